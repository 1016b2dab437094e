// The class table and the composition of one synthetic image (data/synth.h).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "data/synth.h"
#include "data/synth_shapes.h"
#include "graph/error.h"

namespace whittle {
namespace {

using synth::Rng;
using synth::ShapeMask;

struct Colour {
  const char* name;
  cv::Vec3b bgr;
};

const std::array<Colour, 9> kColours = {{{"blue", {200, 90, 30}},
                                         {"red", {40, 40, 210}},
                                         {"yellow", {40, 215, 235}},
                                         {"orange", {30, 140, 245}},
                                         {"green", {50, 170, 50}},
                                         {"white", {235, 235, 235}},
                                         {"purple", {160, 50, 130}},
                                         {"cyan", {210, 200, 40}},
                                         {"pink", {190, 140, 245}}}};
constexpr int kShapes = 10, kTextures = 6;

struct Identity {
  SynthShape shape;
  int colour;
  SynthTexture texture;
};

// The table in synth.h, in VOC's class order.
std::vector<Identity> voc_identities() {
  using S = SynthShape;
  using T = SynthTexture;
  enum { blue, red, yellow, orange, green, white, purple, cyan, pink };
  return {{S::Triangle, blue, T::Solid},      {S::Ring, red, T::Solid},
          {S::Star, yellow, T::Solid},        {S::Crescent, orange, T::Gradient},
          {S::Rectangle, green, T::Stripes},  {S::Rectangle, yellow, T::Checker},
          {S::Ellipse, red, T::Solid},        {S::Triangle, orange, T::Dots},
          {S::Cross, blue, T::Stripes},       {S::Hexagon, white, T::Checker},
          {S::Hexagon, green, T::Solid},      {S::Diamond, purple, T::Solid},
          {S::Arrow, pink, T::Gradient},      {S::Star, red, T::Dots},
          {S::Ellipse, pink, T::Noise},       {S::Cross, green, T::Dots},
          {S::Ring, white, T::Noise},         {S::Diamond, blue, T::Checker},
          {S::Arrow, yellow, T::Stripes},     {S::Crescent, purple, T::Noise}};
}

// Rotation range (degrees, +-) that keeps a shape recognisable as itself: a
// diamond turned 45 degrees would be a rectangle, a cross an X.
double max_rotation(SynthShape shape) {
  switch (shape) {
    case SynthShape::Rectangle: return 20;
    case SynthShape::Diamond: return 15;
    case SynthShape::Cross: return 25;
    default: return 180;
  }
}

// Low-frequency variation over the whole image around `base`: mostly in
// brightness, less in hue (`amount` and a third of it per channel).
cv::Mat3b colour_clouds(cv::Size size, cv::Vec3b base, double amount, Rng& rng) {
  int cells = rng.integer(2, 7);
  cv::Mat3f grid(cells + 1, cells + 1);
  for (auto& px : grid) {
    double common = rng.uniform(-amount, amount);
    for (int c = 0; c < 3; ++c)
      px[c] = static_cast<float>(base[c] + common + rng.uniform(-amount, amount) / 3);
  }
  cv::Mat3f big;
  cv::resize(grid, big, size, 0, 0, cv::INTER_CUBIC);
  cv::Mat3b out;
  big.convertTo(out, CV_8UC3);
  return out;
}

void draw_background(cv::Mat3b& image, Rng& rng) {
  const cv::Size size = image.size();
  cv::Vec3b a = synth::random_colour(rng, 0.0, 0.6), b = synth::random_colour(rng, 0.0, 0.6);
  if (rng.chance(0.5)) {  // two-colour linear gradient
    cv::Mat3b g = synth::render_texture(SynthTexture::Gradient, size, a, size.width, rng);
    cv::Mat3b clouds = colour_clouds(size, b, 60, rng);
    cv::addWeighted(g, 0.6, clouds, 0.4, 0, image);
  } else {
    image = colour_clouds(size, a, rng.uniform(30, 80), rng);
  }
  if (rng.chance(0.3)) {  // a faint pattern over everything
    static const SynthTexture kPatterns[] = {SynthTexture::Stripes, SynthTexture::Checker,
                                             SynthTexture::Dots, SynthTexture::Noise};
    cv::Mat3b p = synth::render_texture(kPatterns[rng.integer(0, 3)], size,
                                        synth::random_colour(rng, 0.0, 1.0),
                                        size.width * rng.uniform(0.3, 1.0), rng);
    double w = rng.uniform(0.12, 0.3);
    cv::addWeighted(image, 1 - w, p, w, 0, image);
  }
}

cv::Vec3b distractor_colour(Rng& rng) {
  if (rng.chance(0.4)) return synth::jitter_colour(kColours[rng.integer(0, 8)].bgr, rng);
  return synth::random_colour(rng, 0.1, 1.0);
}

SynthTexture distractor_texture(Rng& rng) {
  return rng.chance(0.6) ? SynthTexture::Solid
                         : static_cast<SynthTexture>(rng.integer(0, kTextures - 1));
}

// Clutter that is no class: blobs, strokes and arcs.
void draw_distractor(cv::Mat3b& image, Rng& rng, double min_side, double max_side,
                     int max_thickness, std::vector<cv::Mat1b>* occluded) {
  const int s = image.cols;
  cv::Point2d centre(rng.uniform(-0.05, 1.05) * s, rng.uniform(-0.05, 1.05) * image.rows);
  double side = s * rng.log_uniform(min_side, max_side);
  double kind = rng.uniform();
  ShapeMask m;
  if (kind < 0.45) {
    m = synth::draw_blob(rng, centre, side);
  } else if (kind < 0.72) {
    m = synth::draw_stroke(rng, centre, side, rng.integer(1, max_thickness));
  } else if (kind < 0.9) {
    m = synth::draw_arc(rng, centre, side, rng.integer(1, max_thickness));
  } else {  // a straight band: straight edges are no class's cue alone
    double a = rng.uniform(0, 3.14159265), len = s * rng.uniform(0.4, 1.5);
    cv::Point2d d(std::cos(a) * len / 2, std::sin(a) * len / 2);
    m = synth::draw_band(centre - d, centre + d, rng.uniform(1, std::max(2.0, side / 4)));
  }
  // A band in a class's colour and texture would be that class's rectangle.
  bool band = kind >= 0.9;
  cv::Mat3b fill = synth::render_texture(
      band ? SynthTexture::Solid : distractor_texture(rng), m.mask.size(),
      band ? synth::random_colour(rng, 0.1, 1.0) : distractor_colour(rng), side, rng);
  synth::paint(image, m, fill);
  if (occluded) {
    cv::Mat1b covered = synth::clip_to_image(m, image.size());
    for (auto& visible : *occluded) visible.setTo(0, covered);
  }
}

struct Placed {
  int label;
  cv::Point2d centre;
  double side;
  int area;          // pixels of the whole shape, inside the image or not
  bool truncated;
  cv::Mat1b visible;  // image-sized
};

}  // namespace

const char* synth_shape_name(SynthShape shape) {
  static const char* names[] = {"ellipse", "rectangle", "triangle", "star",    "cross",
                                "ring",    "hexagon",   "diamond",  "arrow",   "crescent"};
  return names[static_cast<int>(shape)];
}

const char* synth_texture_name(SynthTexture texture) {
  static const char* names[] = {"solid", "stripes", "checker", "dots", "gradient", "noise"};
  return names[static_cast<int>(texture)];
}

std::vector<SynthClass> synth_classes(int count) {
  const int total = kShapes * static_cast<int>(kColours.size()) * kTextures;
  if (count < 1 || count > total)
    throw Error("synthetic data: classes " + std::to_string(count) + " not in 1.." +
                std::to_string(total));
  std::vector<Identity> ids = voc_identities();
  // Then every unused combination, in a fixed shuffled order.
  std::vector<Identity> rest;
  for (int s = 0; s < kShapes; ++s)
    for (int c = 0; c < static_cast<int>(kColours.size()); ++c)
      for (int t = 0; t < kTextures; ++t) {
        Identity id{static_cast<SynthShape>(s), c, static_cast<SynthTexture>(t)};
        bool used = std::any_of(ids.begin(), ids.end(), [&](const Identity& u) {
          return u.shape == id.shape && u.colour == id.colour && u.texture == id.texture;
        });
        if (!used) rest.push_back(id);
      }
  Rng rng(2007);
  for (size_t i = rest.size(); i > 1; --i) std::swap(rest[i - 1], rest[rng.integer(0, int(i) - 1)]);
  ids.insert(ids.end(), rest.begin(), rest.end());

  std::vector<SynthClass> out;
  for (int i = 0; i < count; ++i) {
    const Identity& id = ids[i];
    std::string name = i < 20 ? voc_class_names()[i] : "class" + std::to_string(i + 1);
    out.push_back({name, id.shape, kColours[id.colour].name, kColours[id.colour].bgr, id.texture});
  }
  return out;
}

SynthImage synthesize_image(const SynthOptions& options, int index, bool with_masks) {
  if (options.size < 32) throw Error("synthetic data: size " + std::to_string(options.size) + " < 32");
  if (!(options.min_side > 0 && options.min_side < options.max_side && options.max_side <= 1))
    throw Error("synthetic data: object sides must satisfy 0 < min < max <= 1");
  const std::vector<SynthClass> classes = synth_classes(options.classes);
  const int s = options.size;
  Rng rng(Rng::derive(options.seed, static_cast<uint64_t>(index)));

  cv::Mat3b image(s, s);
  draw_background(image, rng);
  for (int i = rng.integer(4, 16); i > 0; --i) draw_distractor(image, rng, 0.05, 0.6, 6, nullptr);

  std::vector<Placed> placed;
  for (int n = rng.integer(1, 6); n > 0; --n) {
    const int label = rng.integer(0, options.classes - 1);
    const SynthClass& cls = classes[label];
    double side = s * rng.log_uniform(options.min_side, options.max_side), aspect = rng.log_uniform(0.5, 2.0);
    double w = side * std::sqrt(aspect), h = side / std::sqrt(aspect);
    double angle = rng.uniform(-max_rotation(cls.shape), max_rotation(cls.shape));
    ShapeMask m;
    cv::Mat1b in_image;
    cv::Point2d centre;
    // Try a few places; keep one that leaves every earlier object > 25% of its
    // visible pixels (heavier occlusion still happens by chance: later
    // objects overlap several).
    for (int attempt = 0; attempt < 6; ++attempt) {
      double mode = rng.uniform();
      if (!placed.empty() && mode < 0.3) {  // overlap an earlier object
        const Placed& o = placed[rng.integer(0, int(placed.size()) - 1)];
        double reach = 0.5 * (o.side + side);
        centre = o.centre + cv::Point2d(rng.uniform(-1, 1), rng.uniform(-1, 1)) * reach * 0.8;
      } else if (mode < 0.5) {  // anywhere: may cross the border
        centre = {rng.uniform(0, s), rng.uniform(0, s)};
      } else {  // nominal box inside the image
        double mx = std::min(w / 2, s / 2.0), my = std::min(h / 2, s / 2.0);
        centre = {rng.uniform(mx, s - mx), rng.uniform(my, s - my)};
      }
      m = synth::draw_shape(cls.shape, centre, w, h, angle);
      in_image = synth::clip_to_image(m, image.size());
      bool ok = cv::countNonZero(in_image) >= 4;
      for (const Placed& o : placed) {
        int before = cv::countNonZero(o.visible);
        int lost = cv::countNonZero(o.visible & in_image);
        if (before > 0 && lost > 0.75 * before) ok = false;
      }
      if (ok) break;
    }
    cv::Mat3b fill = synth::render_texture(cls.texture, m.mask.size(),
                                           synth::jitter_colour(cls.bgr, rng), side, rng);
    if (rng.chance(0.3)) {  // a thin darker outline on some instances
      cv::Mat1b edge;
      cv::morphologyEx(m.mask, edge, cv::MORPH_GRADIENT, cv::Mat());
      fill.setTo(cv::mean(fill, m.mask) * 0.5, edge & m.mask);
    }
    synth::paint(image, m, fill);
    for (Placed& o : placed) o.visible.setTo(0, in_image);
    int area = cv::countNonZero(m.mask);
    placed.push_back({label, centre, side, area, cv::countNonZero(in_image) < area, in_image});
  }
  // Foreground clutter: thin strokes across objects occlude them too.
  std::vector<cv::Mat1b> visible;
  for (const Placed& o : placed) visible.push_back(o.visible);
  if (rng.chance(0.35))
    for (int i = rng.integer(1, 3); i > 0; --i) draw_distractor(image, rng, 0.1, 0.5, 2, &visible);

  // Camera: uneven lighting, sensor noise, defocus.
  if (rng.chance(0.6)) {
    cv::Mat3f f, light;
    image.convertTo(f, CV_32FC3);
    colour_clouds({s, s}, {128, 128, 128}, 36, rng).convertTo(light, CV_32FC3, 1 / 128.0);
    cv::multiply(f, light, f);
    f.convertTo(image, CV_8UC3);
  }
  if (rng.chance(0.5)) {
    cv::Mat noise(image.size(), CV_16SC3);
    cv::RNG(rng.next()).fill(noise, cv::RNG::NORMAL, 0, rng.uniform(2, 10));
    cv::Mat wide;
    image.convertTo(wide, CV_16SC3);
    wide += noise;
    wide.convertTo(image, CV_8UC3);
  }
  if (rng.chance(0.3)) cv::GaussianBlur(image, image, {0, 0}, rng.uniform(0.4, 1.2));

  SynthImage out;
  out.jpeg_quality = rng.integer(85, 95);
  out.image = image;
  char id[16];
  std::snprintf(id, sizeof id, "%06d", index + 1);
  out.record.id = id;
  out.record.width = out.record.height = s;
  for (size_t i = 0; i < placed.size(); ++i) {
    int pixels = cv::countNonZero(visible[i]);
    if (pixels < 4) continue;
    cv::Rect r = cv::boundingRect(visible[i]);
    if (r.width < 2 || r.height < 2) continue;
    const Placed& o = placed[i];
    Object obj;
    obj.label = o.label;
    obj.name = classes[o.label].name;
    // VOC: 1-based inclusive.
    obj.box = {float(r.x + 1), float(r.y + 1), float(r.x + r.width), float(r.y + r.height)};
    obj.truncated = o.truncated;
    obj.difficult = pixels < 0.4 * o.area || std::max(r.width, r.height) < 12;
    out.record.objects.push_back(obj);
    if (with_masks) out.masks.push_back(visible[i] > 0);
  }
  return out;
}

}  // namespace whittle
