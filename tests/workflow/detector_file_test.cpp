// workflow/detector_file.h: loading a saved detector (fp32 and int8 files,
// errors naming the file) and fitting a data set's labels to its classes.
#include "workflow/detector_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "graph/error.h"
#include "io/atomic_file.h"
#include "io/onnx_export.h"
#include "models/ssd/ssd_zoo.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;

Dataset three_images() {
  Dataset d;
  d.classes = voc_class_names();  // as read_voc lists VOC names
  auto image = [&](std::vector<std::string> names) {
    ImageRecord r;
    for (const auto& n : names) {
      Object o;
      o.name = n;
      o.label = static_cast<int>(std::find(d.classes.begin(), d.classes.end(), n) - d.classes.begin());
      r.objects.push_back(o);
    }
    d.images.push_back(r);
  };
  image({"dog", "cat"});
  image({"bird"});
  image({"dog"});
  return d;
}

TEST(DetectorFile, ClassesInUseKeepTheDataSetsOrder) {
  EXPECT_EQ(classes_in_use(three_images()), (std::vector<std::string>{"bird", "cat", "dog"}));
}

TEST(DetectorFile, RelabelByNameOrLeaveUntouched) {
  Dataset d = three_images();
  ASSERT_TRUE(relabel_dataset(d, {"dog", "cat", "bird", "cow"}));
  EXPECT_EQ(d.classes.size(), 4u);
  EXPECT_EQ(d.images[0].objects[0].label, 0);
  EXPECT_EQ(d.images[0].objects[1].label, 1);
  EXPECT_EQ(d.images[1].objects[0].label, 2);

  Dataset e = three_images();
  EXPECT_FALSE(relabel_dataset(e, {"dog", "cat"}));  // bird is missing
  EXPECT_EQ(e.classes, voc_class_names());
  EXPECT_EQ(e.images[1].objects[0].label, 2);  // VOC's bird
}

TEST(DetectorFile, LoadsASavedDetectorAndNamesTheFileOnError) {
  const fs::path dir = fs::temp_directory_path() / ("whittle_detector_file_" + std::to_string(getpid()));
  fs::create_directories(dir);
  Detector d = build_detector_zoo("ssdlite_mobilenet_v2", 3, 0.25, 96);
  d.classes = {"a", "b", "c"};
  store_detector_metadata(d);
  const std::string file = (dir / "model.onnx").string();
  save_onnx(d.graph, file);
  const Detector loaded = load_detector_file(file);
  EXPECT_EQ(loaded.classes, d.classes);
  EXPECT_EQ(loaded.preprocess.input_size, 96);
  EXPECT_FALSE(loaded.int8);
  ASSERT_TRUE(loaded.head);

  // A plain graph without the detector's metadata.
  Graph plain = d.graph;
  plain.metadata.clear();
  const std::string bare = (dir / "bare.onnx").string();
  save_onnx(plain, bare);
  try {
    load_detector_file(bare);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(bare + ": ", 0), 0u) << e.what();
  }
  EXPECT_THROW(load_detector_file((dir / "missing.onnx").string()), Error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace whittle
