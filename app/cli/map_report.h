#pragma once
// How eval and eval-dets show a MapResult: a per-class table, or JSON.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "eval/voc_ap.h"

namespace whittle::cli {

// {"map", "ap": {class: AP or null}, ["ap50", "ap75" for coco], "metric", "images"}
nlohmann::ordered_json map_json(const MapResult& result, int64_t images);

// Table of class, gt, dets, AP; the mAP line (and AP50/AP75 for coco); then
// `extra` (a line of the caller's, may be empty); then a note on classes
// without ground truth, which are left out of the mAP.
void print_map_table(const MapResult& result, int64_t images, const std::string& extra = "");

}  // namespace whittle::cli
