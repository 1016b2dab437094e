// The detector zoo: names, defaults, errors.
#include <gtest/gtest.h>

#include "graph/error.h"
#include "models/ssd/ssd_head.h"
#include "models/ssd/ssd_zoo.h"
#include "models/zoo.h"

namespace whittle {
namespace {

TEST(SsdZoo, NamesAndDefaults) {
  std::vector<std::string> names;
  for (const auto& e : detector_zoo_entries()) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"ssd300_vgg16", "ssd300_vgg16_bn", "ssd_mobilenet_v1",
                                             "ssdlite_mobilenet_v2"}));
  Detector d = build_detector_zoo("ssdlite_mobilenet_v2", 5, 0.5);
  EXPECT_EQ(d.preprocess.input_size, 320);
  EXPECT_EQ(d.head->num_classes(), 5);
  EXPECT_EQ(d.graph.metadata.at("whittle.zoo"), "ssdlite_mobilenet_v2");
  EXPECT_EQ(d.graph.metadata.at("whittle.width"), "0.5");
  d = build_detector_zoo("ssd_mobilenet_v1", 20, 0.25, 160, 7);
  EXPECT_EQ(d.preprocess.input_size, 160);
  EXPECT_EQ(d.classes.at(19), "tvmonitor");
  // The classification zoo is untouched.
  EXPECT_EQ(zoo_entries().size(), 3u);
}

TEST(SsdZoo, ErrorsNameTheModel) {
  try {
    build_detector_zoo("yolo9000");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("known: ssd300_vgg16, ssd300_vgg16_bn, ssd_mobilenet_v1, ssdlite_mobilenet_v2"),
              std::string::npos)
        << e.what();
  }
  try {
    build_detector_zoo("ssd300_vgg16", 20, 0.5);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("(ssd300_vgg16) has a fixed width 1 and input 300"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(build_detector_zoo("ssd_mobilenet_v1", 0), Error);
}

}  // namespace
}  // namespace whittle
