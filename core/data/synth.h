#pragma once
// Synthetic detection data in PASCAL VOC format: cluttered images of textured
// shapes, written as a real devkit that read_voc() (and other VOC tools) read:
//
//   <out>/VOCdevkit/VOC2007/JPEGImages/000001.jpg ...
//   <out>/VOCdevkit/VOC2007/Annotations/000001.xml ...
//   <out>/VOCdevkit/VOC2007/ImageSets/Main/{train,val,test,trainval}.txt
//   <out>/VOCdevkit/VOC2007/ImageSets/Main/<class>_<set>.txt   (devkit: 1 / 0 / -1)
//
// Each class has a fixed look: shape family x base colour x texture. No single
// cue separates all classes: in the first 20, every shape, colour and
// texture is shared by two classes or more (8 colours; cyan only from 21 on). For K <= 20 the classes are the first K rows,
// named after VOC's classes so a detector's class list looks familiar:
//
//   class        shape      colour  texture  | class        shape      colour  texture
//   aeroplane    triangle   blue    solid    | diningtable  hexagon    green   solid
//   bicycle      ring       red     solid    | dog          diamond    purple  solid
//   bird         star       yellow  solid    | horse        arrow      pink    gradient
//   boat         crescent   orange  gradient | motorbike    star       red     dots
//   bottle       rectangle  green   stripes  | person       ellipse    pink    noise
//   bus          rectangle  yellow  checker  | pottedplant  cross      green   dots
//   car          ellipse    red     solid    | sheep        ring       white   noise
//   cat          triangle   orange  dots     | sofa         diamond    blue    checker
//   chair        cross      blue    stripes  | train        arrow      yellow  stripes
//   cow          hexagon    white   checker  | tvmonitor    crescent   purple  noise
//
// Classes 21.. are named "class21", ... and take the unused (shape, colour,
// texture) combinations in a fixed order (at most 540 classes).
//
// Each image: a textured background (gradients, colour clouds, faint patterns)
// with distractors that are no class (irregular blobs, strokes, arcs, in class
// colours too); 1-6 objects, sides 4%-50% of the image (min_side, max_side), aspect 0.5-2, rotated
// where the shape allows, colour-jittered; later objects occlude earlier ones,
// objects may cross the border; then lighting, noise and blur on some images,
// JPEG quality 85-95. A box is the tight box of the object's VISIBLE pixels
// (1-based inclusive). truncated: the shape crosses the image border.
// difficult: visible fraction of the whole shape < 0.4, or the box's longer
// side < 12 px. Objects left with a box under 2 px a side are not annotated.
//
// Deterministic: image i depends only on (seed, i, classes, size), so the same
// options give byte-identical files whatever the thread count.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "data/dataset.h"

namespace whittle {

class Progress;

enum class SynthShape { Ellipse, Rectangle, Triangle, Star, Cross, Ring, Hexagon, Diamond, Arrow, Crescent };
enum class SynthTexture { Solid, Stripes, Checker, Dots, Gradient, Noise };
const char* synth_shape_name(SynthShape shape);
const char* synth_texture_name(SynthTexture texture);

struct SynthClass {
  std::string name;
  SynthShape shape;
  std::string colour;  // "red"
  cv::Vec3b bgr;       // the base colour before per-instance jitter
  SynthTexture texture;
};

// The first `count` rows of the class table (1 <= count <= 540).
std::vector<SynthClass> synth_classes(int count);

struct SynthOptions {
  std::string out;  // the devkit goes to <out>/VOCdevkit/VOC2007
  int images = 100;
  int classes = 20;
  int size = 300;  // square images, size x size
  // Object side range as fractions of the image side (log-uniform between).
  // The default spans tiny to half the image; a narrower, larger range makes
  // an easier set (quick demos, classes, pruning studies on a well-trained base).
  double min_side = 0.04, max_side = 0.5;
  uint64_t seed = 1;
  // Set name -> fraction of the images; fractions sum to 1. Images are
  // shuffled (by seed) and cut in this order; counts round to the nearest
  // whole image and sum to `images`.
  std::vector<std::pair<std::string, double>> split = {{"train", 0.7}, {"val", 0.1}, {"test", 0.2}};
  int threads = 0;  // <= 0: all cores
};

// One generated image. masks (only when asked): per object, size x size, 255
// where the object is visible; the object's box is the tight box of its mask.
struct SynthImage {
  cv::Mat image;       // BGR, 8-bit, before JPEG
  ImageRecord record;  // id, size, objects (paths empty)
  std::vector<cv::Mat> masks;
  int jpeg_quality = 90;
};

// Image `index` (0-based; id = index + 1, six digits) of the data set.
SynthImage synthesize_image(const SynthOptions& options, int index, bool with_masks = false);

struct SynthReport {
  std::string devkit;  // <out>/VOCdevkit
  std::string root;    // <out>/VOCdevkit/VOC2007: what read_voc() takes
  std::vector<std::string> classes;
  std::vector<std::pair<std::string, int>> sets;  // set -> images, split order, then trainval
  std::vector<int> objects_per_class;
  std::vector<int> difficult_per_class;
  int images = 0, objects = 0, difficult = 0, truncated = 0;
};

// Writes the devkit. Images and annotations go to temporary names and are
// renamed when complete; split files are written last, so a cancelled or
// failed run leaves no split file naming a missing image. Files of an earlier
// run in the same folder are overwritten, not removed. Throws whittle::Error
// on bad options or a write failure, Cancelled when the sink is cancelled.
SynthReport synthesize_voc(const SynthOptions& options);
SynthReport synthesize_voc(const SynthOptions& options, Progress& progress);

// "train=0.7,val=0.1,test=0.2" -> {{"train",0.7},...}. Throws whittle::Error
// on a malformed spec.
std::vector<std::pair<std::string, double>> parse_split_fractions(const std::string& spec);

}  // namespace whittle
