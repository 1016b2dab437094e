#pragma once
// Deterministic input transforms for evaluation and inference, with the
// geometry to map boxes predicted on the network input back to the original
// image:
//   resize_plain: stretch to size x size (SSD eval);
//   letterbox:    keep the aspect ratio, fit inside size x size, pad the rest
//                 with grey 114, image centred (YOLO; ultralytics' rule).
// Boxes are continuous 0-based pixel coordinates (see augment.h).
#include <cstdint>
#include <vector>

#include "data/augment.h"

namespace whittle {

// output = original * scale + pad, per axis. width/height: the output image.
struct ImageGeometry {
  float scale_x = 1.0f, scale_y = 1.0f;
  float pad_x = 0.0f, pad_y = 0.0f;
  int original_width = 0, original_height = 0;
  int width = 0, height = 0;
};

struct TransformedImage {
  AnnotatedImage sample;  // image size x size, boxes moved with it
  ImageGeometry geometry;
};

// Bilinear resize to size x size; boxes scale with the image.
TransformedImage resize_plain(const AnnotatedImage& input, int size);

// Scale r = min(size / W, size / H); the resized image is round(W r) x
// round(H r) (bilinear), padded to size x size with pad_value, centred:
// left = round(dw / 2 - 0.1), top = round(dh / 2 - 0.1) as in ultralytics.
// The geometry holds the exact per-axis scales (round(W r) / W), so mapping
// back is exact up to float rounding.
TransformedImage letterbox(const AnnotatedImage& input, int size, uint8_t pad_value = 114);

// A box in output pixels -> original pixels, clipped to the original image.
BoxF map_box_to_original(const BoxF& box, const ImageGeometry& geometry);
// A box normalised to the output image ([0, 1], as the loader and the
// detector heads give them) -> original pixels, clipped.
BoxF map_normalized_box_to_original(const BoxF& box, const ImageGeometry& geometry);
void map_boxes_to_original(std::vector<BoxF>& boxes, const ImageGeometry& geometry);

}  // namespace whittle
