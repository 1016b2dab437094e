#include "cli/map_report.h"

#include <cmath>
#include <iostream>

#include "cli/format.h"

namespace whittle::cli {

nlohmann::ordered_json map_json(const MapResult& r, int64_t images) {
  nlohmann::ordered_json j;
  j["map"] = number_or_null(r.map);
  nlohmann::ordered_json ap = nlohmann::ordered_json::object();
  for (const ClassAp& c : r.classes) ap[c.name] = number_or_null(c.ap);  // null: no gt
  j["ap"] = ap;
  if (r.metric == "coco") {
    j["ap50"] = number_or_null(r.ap50);
    j["ap75"] = number_or_null(r.ap75);
  }
  j["metric"] = r.metric;
  j["images"] = images;
  return j;
}

void print_map_table(const MapResult& r, int64_t images, const std::string& extra) {
  Table table({"class", "gt", "dets", "AP"}, {false, true, true, true});
  size_t without_gt = 0;
  for (const ClassAp& c : r.classes) {
    table.add({c.name, with_commas(c.num_gt), with_commas(c.num_det), fixed(c.ap, 4)});
    if (std::isnan(c.ap)) ++without_gt;
  }
  std::cout << table.render() << '\n';
  std::cout << "mAP (" << r.metric << ")  " << fixed(r.map, 4) << "  over "
            << r.classes.size() - without_gt << " classes, " << with_commas(images) << " images\n";
  if (r.metric == "coco")
    std::cout << "AP50  " << fixed(r.ap50, 4) << "\nAP75  " << fixed(r.ap75, 4) << '\n';
  if (!extra.empty()) std::cout << extra << '\n';
  if (without_gt)
    std::cout << "n/a: " << without_gt
              << " class(es) without (non-difficult) ground truth, left out of the mAP\n";
}

}  // namespace whittle::cli
