#include "data/synth_shapes.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace whittle::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kShift = 4;  // fillPoly sub-pixel bits
constexpr double kOne = 1 << kShift;

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

struct Ring {  // one closed polygon: painted (fill) or cut out (!fill)
  std::vector<cv::Point2d> points;
  bool fill = true;
};

std::vector<cv::Point2d> regular(int n, double radius, double start_deg, cv::Point2d c = {0, 0}) {
  std::vector<cv::Point2d> p;
  for (int i = 0; i < n; ++i) {
    double a = (start_deg + 360.0 * i / n) * kPi / 180;
    p.push_back({c.x + radius * std::cos(a), c.y + radius * std::sin(a)});
  }
  return p;
}

// The shape in the unit square [-1, 1]^2.
std::vector<Ring> unit_shape(SynthShape shape) {
  switch (shape) {
    case SynthShape::Ellipse: return {{regular(64, 1, 0)}};
    case SynthShape::Rectangle: return {{{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}}};
    case SynthShape::Triangle: return {{{{0, -1}, {1, 1}, {-1, 1}}}};
    case SynthShape::Star: {
      std::vector<cv::Point2d> p;
      for (int i = 0; i < 10; ++i) {
        double a = (-90 + 36.0 * i) * kPi / 180, r = i % 2 ? 0.42 : 1.0;
        p.push_back({r * std::cos(a), r * std::sin(a)});
      }
      return {{p}};
    }
    case SynthShape::Cross: {
      const double t = 0.32;
      return {{{{-t, -1}, {t, -1}, {t, -t}, {1, -t}, {1, t}, {t, t}, {t, 1}, {-t, 1}, {-t, t},
                {-1, t}, {-1, -t}, {-t, -t}}}};
    }
    case SynthShape::Ring: return {{regular(64, 1, 0)}, {regular(64, 0.58, 0), false}};
    case SynthShape::Hexagon: return {{regular(6, 1, 0)}};
    case SynthShape::Diamond: return {{{{0, -1}, {1, 0}, {0, 1}, {-1, 0}}}};
    case SynthShape::Arrow:
      return {{{{-1, -0.28}, {0.15, -0.28}, {0.15, -0.8}, {1, 0}, {0.15, 0.8}, {0.15, 0.28},
                {-1, 0.28}}}};
    case SynthShape::Crescent:
      return {{regular(64, 1, 0)}, {regular(64, 0.84, 0, {0.42, -0.08}), false}};
  }
  return {};
}

// Draws rings (image coordinates) on a canvas around the painted ones.
ShapeMask rasterize(const std::vector<Ring>& rings, int pad) {
  double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
  for (const Ring& r : rings)
    if (r.fill)
      for (const auto& p : r.points) {
        x0 = std::min(x0, p.x), y0 = std::min(y0, p.y);
        x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
      }
  ShapeMask out;
  out.origin = {static_cast<int>(std::floor(x0)) - pad, static_cast<int>(std::floor(y0)) - pad};
  int w = static_cast<int>(std::ceil(x1)) + pad + 1 - out.origin.x;
  int h = static_cast<int>(std::ceil(y1)) + pad + 1 - out.origin.y;
  out.mask = cv::Mat1b::zeros(std::max(h, 1), std::max(w, 1));
  for (const Ring& r : rings) {
    std::vector<cv::Point> q;
    for (const auto& p : r.points)
      q.emplace_back(cvRound((p.x - out.origin.x) * kOne), cvRound((p.y - out.origin.y) * kOne));
    cv::fillPoly(out.mask, std::vector<std::vector<cv::Point>>{q}, cv::Scalar(r.fill ? 255 : 0),
                 cv::LINE_8, kShift);
  }
  return out;
}

ShapeMask rasterize_polyline(const std::vector<cv::Point2d>& points, int thickness) {
  ShapeMask out = rasterize({{points}}, thickness + 1);
  out.mask.setTo(0);
  std::vector<cv::Point> q;
  for (const auto& p : points)
    q.emplace_back(cvRound((p.x - out.origin.x) * kOne), cvRound((p.y - out.origin.y) * kOne));
  cv::polylines(out.mask, q, false, cv::Scalar(255), thickness, cv::LINE_8, kShift);
  return out;
}

cv::Point2d rotate(cv::Point2d p, double c, double s) { return {p.x * c - p.y * s, p.x * s + p.y * c}; }

cv::Vec3b scaled(cv::Vec3b c, double f) {
  return {cv::saturate_cast<uchar>(c[0] * f), cv::saturate_cast<uchar>(c[1] * f),
          cv::saturate_cast<uchar>(c[2] * f)};
}

cv::Vec3b mix(cv::Vec3b a, cv::Vec3b b, double t) {
  return {cv::saturate_cast<uchar>(a[0] + (b[0] - a[0]) * t),
          cv::saturate_cast<uchar>(a[1] + (b[1] - a[1]) * t),
          cv::saturate_cast<uchar>(a[2] + (b[2] - a[2]) * t)};
}

// A smooth random field in [lo, hi] of `size`, with about `cells` features across.
cv::Mat1f smooth_field(cv::Size size, double cells, double lo, double hi, Rng& rng) {
  int gw = std::max(2, static_cast<int>(std::ceil(cells))) + 1;
  int gh = std::max(2, static_cast<int>(std::ceil(cells * size.height / std::max(1, size.width)))) + 1;
  cv::Mat1f grid(gh, gw);
  for (int y = 0; y < gh; ++y)
    for (int x = 0; x < gw; ++x) grid(y, x) = static_cast<float>(rng.uniform(lo, hi));
  cv::Mat1f field;
  cv::resize(grid, field, size, 0, 0, cv::INTER_CUBIC);
  return field;
}

}  // namespace

Rng::Rng(uint64_t seed) {
  uint64_t x = seed;
  for (auto& s : s_) s = splitmix64(x);
}

uint64_t Rng::derive(uint64_t seed, uint64_t index) {
  uint64_t x = seed ^ (0xD1B54A32D192ED03ull * (index + 1));
  splitmix64(x);
  return splitmix64(x);
}

uint64_t Rng::next() {
  uint64_t result = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
  s_[2] ^= s_[0], s_[3] ^= s_[1], s_[1] ^= s_[2], s_[0] ^= s_[3];
  s_[2] ^= t, s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
double Rng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
int Rng::integer(int lo, int hi) {
  return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1));
}
double Rng::log_uniform(double lo, double hi) {
  return std::exp(uniform(std::log(lo), std::log(hi)));
}

ShapeMask draw_shape(SynthShape shape, cv::Point2d centre, double width, double height,
                     double angle_deg) {
  double a = angle_deg * kPi / 180, c = std::cos(a), s = std::sin(a);
  std::vector<Ring> rings = unit_shape(shape);
  for (Ring& r : rings)
    for (auto& p : r.points) p = centre + rotate({p.x * width / 2, p.y * height / 2}, c, s);
  return rasterize(rings, 1);
}

ShapeMask draw_blob(Rng& rng, cv::Point2d centre, double size) {
  int n = rng.integer(7, 13);
  double aspect = rng.uniform(0.5, 1.6), a = rng.uniform(0, 2 * kPi);
  std::vector<cv::Point2d> p;
  for (int i = 0; i < n; ++i) {
    double t = 2 * kPi * (i + rng.uniform(-0.3, 0.3)) / n, r = rng.uniform(0.3, 1.0);
    p.push_back({r * std::cos(t) * aspect, r * std::sin(t) / aspect});
  }
  // Chaikin corner cutting: organic outlines, unlike any class shape.
  for (int round = 0; round < 2; ++round) {
    std::vector<cv::Point2d> q;
    for (size_t i = 0; i < p.size(); ++i) {
      const auto &u = p[i], &v = p[(i + 1) % p.size()];
      q.push_back(u * 0.75 + v * 0.25);
      q.push_back(u * 0.25 + v * 0.75);
    }
    p = std::move(q);
  }
  for (auto& v : p) v = centre + rotate(v * (size / 2), std::cos(a), std::sin(a));
  return rasterize({{p}}, 1);
}

ShapeMask draw_stroke(Rng& rng, cv::Point2d centre, double size, int thickness) {
  auto jitter = [&] { return cv::Point2d(rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5)) * size; };
  cv::Point2d p0 = centre + jitter(), p1 = centre + jitter() * 1.5, p2 = centre + jitter();
  std::vector<cv::Point2d> points;
  for (int i = 0; i <= 24; ++i) {  // quadratic Bezier
    double t = i / 24.0;
    points.push_back(p0 * ((1 - t) * (1 - t)) + p1 * (2 * t * (1 - t)) + p2 * (t * t));
  }
  return rasterize_polyline(points, thickness);
}

ShapeMask draw_arc(Rng& rng, cv::Point2d centre, double size, int thickness) {
  double rx = size / 2 * rng.uniform(0.6, 1.0), ry = size / 2 * rng.uniform(0.3, 1.0);
  double start = rng.uniform(0, 360), span = rng.uniform(50, 200);
  double a = rng.uniform(0, 2 * kPi), c = std::cos(a), s = std::sin(a);
  std::vector<cv::Point2d> points;
  for (int i = 0; i <= 32; ++i) {
    double t = (start + span * i / 32) * kPi / 180;
    points.push_back(centre + rotate({rx * std::cos(t), ry * std::sin(t)}, c, s));
  }
  return rasterize_polyline(points, thickness);
}

ShapeMask draw_band(cv::Point2d a, cv::Point2d b, double width) {
  cv::Point2d d = b - a;
  double len = std::max(1e-9, std::hypot(d.x, d.y));
  cv::Point2d n(-d.y / len * width / 2, d.x / len * width / 2);
  return rasterize({{{a + n, b + n, b - n, a - n}}}, 1);
}

cv::Mat3b render_texture(SynthTexture texture, cv::Size size, cv::Vec3b colour, double scale,
                         Rng& rng) {
  cv::Mat3b out(size);
  const cv::Vec3b dark = scaled(colour, 0.42);
  scale = std::max(scale, 4.0);
  double a = rng.uniform(0, 2 * kPi), ca = std::cos(a), sa = std::sin(a);
  // Coordinate along (u) and across (v) the pattern direction.
  auto u_of = [&](int x, int y) { return x * ca + y * sa; };
  auto v_of = [&](int x, int y) { return -x * sa + y * ca; };
  double diag = std::max(1.0, std::abs(size.width * ca) + std::abs(size.height * sa));
  double u0 = std::min({u_of(0, 0), u_of(size.width, 0), u_of(0, size.height),
                        u_of(size.width, size.height)});
  switch (texture) {
    case SynthTexture::Solid: {
      double k = rng.uniform(0.1, 0.25);  // gentle shading
      for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x)
          out(y, x) = scaled(colour, 1 + k * ((u_of(x, y) - u0) / diag - 0.5));
      break;
    }
    case SynthTexture::Stripes: {
      double period = std::max(3.0, scale * rng.uniform(0.12, 0.22));
      for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x) {
          double f = u_of(x, y) / period;
          out(y, x) = f - std::floor(f) < 0.5 ? colour : dark;
        }
      break;
    }
    case SynthTexture::Checker: {
      double cell = std::max(2.0, scale * rng.uniform(0.1, 0.18));
      for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x) {
          long i = static_cast<long>(std::floor(u_of(x, y) / cell)) +
                   static_cast<long>(std::floor(v_of(x, y) / cell));
          out(y, x) = (i & 1) ? dark : colour;
        }
      break;
    }
    case SynthTexture::Dots: {
      double period = std::max(4.0, scale * rng.uniform(0.16, 0.26)), r = 0.3 * period;
      for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x) {
          double u = u_of(x, y) / period, v = v_of(x, y) / period;
          double du = (u - std::floor(u) - 0.5) * period, dv = (v - std::floor(v) - 0.5) * period;
          out(y, x) = du * du + dv * dv < r * r ? dark : colour;
        }
      break;
    }
    case SynthTexture::Gradient:
      for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x)
          out(y, x) = mix(colour, dark, (u_of(x, y) - u0) / diag);
      break;
    case SynthTexture::Noise: {
      double cells = size.width / std::max(2.0, scale * rng.uniform(0.1, 0.2));
      cv::Mat1f field = smooth_field(size, cells, 0.3, 1.15, rng);
      for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x) out(y, x) = scaled(colour, field(y, x));
      break;
    }
  }
  return out;
}

cv::Vec3b jitter_colour(cv::Vec3b bgr, Rng& rng) {
  cv::Mat3f px(1, 1, cv::Vec3f(bgr[0] / 255.f, bgr[1] / 255.f, bgr[2] / 255.f)), hsv;
  cv::cvtColor(px, hsv, cv::COLOR_BGR2HSV);
  cv::Vec3f& h = hsv(0, 0);
  h[0] = static_cast<float>(std::fmod(h[0] + rng.uniform(-8, 8) + 360, 360));
  h[1] = static_cast<float>(std::clamp(h[1] * rng.uniform(0.75, 1.15), 0.0, 1.0));
  h[2] = static_cast<float>(std::clamp(h[2] * rng.uniform(0.75, 1.15), 0.0, 1.0));
  cv::cvtColor(hsv, px, cv::COLOR_HSV2BGR);
  cv::Vec3f p = px(0, 0) * 255.f;
  return {cv::saturate_cast<uchar>(p[0]), cv::saturate_cast<uchar>(p[1]),
          cv::saturate_cast<uchar>(p[2])};
}

cv::Vec3b random_colour(Rng& rng, double min_saturation, double max_saturation) {
  cv::Mat3f hsv(1, 1, cv::Vec3f(static_cast<float>(rng.uniform(0, 360)),
                                static_cast<float>(rng.uniform(min_saturation, max_saturation)),
                                static_cast<float>(rng.uniform(0.25, 1.0)))),
      px;
  cv::cvtColor(hsv, px, cv::COLOR_HSV2BGR);
  cv::Vec3f p = px(0, 0) * 255.f;
  return {cv::saturate_cast<uchar>(p[0]), cv::saturate_cast<uchar>(p[1]),
          cv::saturate_cast<uchar>(p[2])};
}

void paint(cv::Mat3b& image, const ShapeMask& shape, const cv::Mat3b& fill) {
  cv::Rect canvas(shape.origin, shape.mask.size());
  cv::Rect inside = canvas & cv::Rect(0, 0, image.cols, image.rows);
  if (inside.empty()) return;
  cv::Rect local = inside - shape.origin;
  fill(local).copyTo(image(inside), shape.mask(local));
}

cv::Mat1b clip_to_image(const ShapeMask& shape, cv::Size image_size) {
  cv::Mat1b out = cv::Mat1b::zeros(image_size);
  cv::Rect canvas(shape.origin, shape.mask.size());
  cv::Rect inside = canvas & cv::Rect(0, 0, image_size.width, image_size.height);
  if (!inside.empty()) shape.mask(inside - shape.origin).copyTo(out(inside));
  return out;
}

}  // namespace whittle::synth
