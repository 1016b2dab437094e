// read_voc on tiny VOC trees written in a temp folder by each test.
#include "data/voc_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <opencv2/imgcodecs.hpp>

#include "graph/error.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;

std::string object_xml(const std::string& name, const std::string& xmin, const std::string& ymin,
                       const std::string& xmax, const std::string& ymax, int difficult = 0,
                       int truncated = 0) {
  return "<object><name>" + name + "</name><pose>Left</pose><truncated>" + std::to_string(truncated) +
         "</truncated><difficult>" + std::to_string(difficult) + "</difficult><bndbox><xmin>" + xmin +
         "</xmin><ymin>" + ymin + "</ymin><xmax>" + xmax + "</xmax><ymax>" + ymax +
         "</ymax></bndbox></object>";
}

std::string dog() { return object_xml("dog", "10", "5", "30", "40"); }

class VocReader : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("whittle_voc_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path dir(const std::string& rel) const { return root_ / rel; }

  // folder/Annotations/<id>.xml (size w x h, the objects given) and, when
  // image_w > 0, folder/JPEGImages/<id>.jpg of image_w x image_h.
  static void add_image(const fs::path& folder, const std::string& id, const std::string& objects,
                        int w = 64, int h = 48, int image_w = -1, int image_h = -1,
                        const std::string& extra = "") {
    fs::create_directories(folder / "Annotations");
    fs::create_directories(folder / "JPEGImages");
    std::ofstream(folder / "Annotations" / (id + ".xml"))
        << "<annotation><folder>VOC</folder>" << extra << "<size><width>" << w << "</width><height>"
        << h << "</height><depth>3</depth></size><segmented>0</segmented>" << objects
        << "</annotation>\n";
    if (image_w < 0) image_w = w, image_h = h;
    if (image_w > 0) write_jpeg(folder / "JPEGImages" / (id + ".jpg"), image_w, image_h);
  }
  static void write_jpeg(const fs::path& file, int w, int h) {
    ASSERT_TRUE(cv::imwrite(file.string(), cv::Mat(h, w, CV_8UC3, cv::Scalar(40, 90, 200))));
  }
  static void write_split(const fs::path& folder, const std::string& set, const std::string& lines) {
    fs::create_directories(folder / "ImageSets" / "Main");
    std::ofstream(folder / "ImageSets" / "Main" / (set + ".txt")) << lines;
  }
  static std::vector<std::string> ids(const Dataset& d) {
    std::vector<std::string> out;
    for (const auto& img : d.images) out.push_back(img.id);
    return out;
  }

  fs::path root_;
};

TEST_F(VocReader, ReadsObjectsFlagsAndBoxesExactly) {
  fs::path voc = dir("VOC2007");
  add_image(voc, "000005",
            object_xml("dog", "10.5", "5", "30.25", "40", 1, 0) +
                object_xml("person", "1", "2", "64", "48", 0, 1),
            64, 48);
  write_split(voc, "trainval", "000005\n");
  Dataset d = read_voc(voc.string());
  EXPECT_EQ(d.classes, voc_class_names());
  ASSERT_EQ(d.images.size(), 1u);
  const ImageRecord& img = d.images[0];
  EXPECT_EQ(img.id, "000005");
  EXPECT_EQ(img.image_path, (voc / "JPEGImages" / "000005.jpg").string());
  EXPECT_EQ(img.annotation_path, (voc / "Annotations" / "000005.xml").string());
  EXPECT_EQ(img.width, 64);
  EXPECT_EQ(img.height, 48);
  EXPECT_EQ(img.depth, 3);
  ASSERT_EQ(img.objects.size(), 2u);
  const Object& a = img.objects[0];
  EXPECT_EQ(a.name, "dog");
  EXPECT_EQ(a.label, 11);
  EXPECT_FLOAT_EQ(a.box.xmin, 10.5f);
  EXPECT_FLOAT_EQ(a.box.ymin, 5.f);
  EXPECT_FLOAT_EQ(a.box.xmax, 30.25f);
  EXPECT_FLOAT_EQ(a.box.ymax, 40.f);
  EXPECT_TRUE(a.difficult);
  EXPECT_FALSE(a.truncated);
  const Object& b = img.objects[1];
  EXPECT_EQ(b.name, "person");
  EXPECT_EQ(b.label, 14);
  EXPECT_FLOAT_EQ(b.box.xmax, 64.f);  // xmax == width is inside (1-based)
  EXPECT_FALSE(b.difficult);
  EXPECT_TRUE(b.truncated);
}

TEST_F(VocReader, SplitLinesMayCarryFlagsAndSetsCombineOnce) {
  fs::path voc = dir("data");
  for (auto id : {"a", "b", "c"}) add_image(voc, id, dog());
  write_split(voc, "train", "a  1\r\nb -1\n\n");
  write_split(voc, "val", "b\nc\n");
  VocReadOptions o;
  o.sets = {"train", "val"};
  EXPECT_EQ(ids(read_voc(voc.string(), o)), (std::vector<std::string>{"a", "b", "c"}));
  o.sets = {"val"};
  EXPECT_EQ(ids(read_voc(voc.string(), o)), (std::vector<std::string>{"b", "c"}));
}

TEST_F(VocReader, DevkitReadsEveryYearSorted) {
  fs::path devkit = dir("VOCdevkit");
  add_image(devkit / "VOC2012", "2008_000001", object_xml("cat", "1", "1", "9", "9"));
  write_split(devkit / "VOC2012", "trainval", "2008_000001\n");
  add_image(devkit / "VOC2007", "000001", dog());
  write_split(devkit / "VOC2007", "trainval", "000001\n");
  fs::create_directories(devkit / "results");  // not a data set: ignored
  Dataset d = read_voc(devkit.string() + "/");
  EXPECT_EQ(ids(d), (std::vector<std::string>{"000001", "2008_000001"}));
  EXPECT_EQ(d.classes, voc_class_names());
  EXPECT_EQ(d.images[1].objects[0].label, 7);  // cat
}

TEST_F(VocReader, CollidingIdsAndOnlyThoseNameTheirYear) {
  fs::path devkit = dir("VOCdevkit");
  for (auto year : {"VOC2007", "VOC2012"}) add_image(devkit / year, "000001", dog());
  add_image(devkit / "VOC2007", "000002", dog());
  add_image(devkit / "VOC2012", "2008_000003", dog());
  write_split(devkit / "VOC2007", "trainval", "000001\n000002\n");
  write_split(devkit / "VOC2012", "trainval", "000001\n2008_000003\n");
  Dataset d = read_voc(devkit.string());
  EXPECT_EQ(ids(d), (std::vector<std::string>{"VOC2007/000001", "000002", "VOC2012/000001", "2008_000003"}));
  EXPECT_EQ(d.images[2].image_path, (devkit / "VOC2012" / "JPEGImages" / "000001.jpg").string());
}

TEST_F(VocReader, SeveralRootsCombineAndAFolderIsReadOnce) {
  for (auto name : {"x/data", "y/data"}) {
    add_image(dir(name), "000001", dog());
    write_split(dir(name), "trainval", "000001\n");
  }
  add_image(dir("z"), "z1", dog());
  write_split(dir("z"), "trainval", "z1\n");
  Dataset d = read_voc(std::vector<std::string>{dir("x/data").string(), dir("z").string(),
                                                dir("y/data").string(), dir("z").string()});
  // Two folders named "data" share id 000001: their paths tell them apart.
  ASSERT_EQ(ids(d).size(), 3u);
  EXPECT_EQ(d.images[0].id, dir("x/data").generic_string() + "/000001");
  EXPECT_EQ(d.images[1].id, "z1");
  EXPECT_EQ(d.images[2].id, dir("y/data").generic_string() + "/000001");
}

TEST_F(VocReader, CustomNamesGiveSortedUniqueClasses) {
  fs::path voc = dir("custom");
  add_image(voc, "1", object_xml("zebra", "1", "1", "5", "5") + object_xml(" apple\n", "1", "1", "5", "5"));
  add_image(voc, "2", dog() + object_xml("zebra", "2", "2", "6", "6"));
  write_split(voc, "trainval", "1\n2\n");
  Dataset d = read_voc(voc.string());
  EXPECT_EQ(d.classes, (std::vector<std::string>{"apple", "dog", "zebra"}));
  EXPECT_EQ(d.images[0].objects[0].label, 2);
  EXPECT_EQ(d.images[0].objects[1].name, "apple");
  EXPECT_EQ(d.images[0].objects[1].label, 0);
  EXPECT_EQ(d.images[1].objects[0].label, 1);
}

TEST_F(VocReader, GivenClassesSetTheLabels) {
  fs::path voc = dir("custom");
  add_image(voc, "1", dog());
  write_split(voc, "trainval", "1\n");
  VocReadOptions o;
  o.classes = {"cat", "dog", "unused"};
  Dataset d = read_voc(voc.string(), o);
  EXPECT_EQ(d.classes, o.classes);
  EXPECT_EQ(d.images[0].objects[0].label, 1);
}

TEST_F(VocReader, FilenameTagNamesTheImageAndMissingSizeComesFromIt) {
  fs::path voc = dir("custom");
  fs::create_directories(voc / "Annotations");
  fs::create_directories(voc / "JPEGImages");
  std::ofstream(voc / "Annotations" / "1.xml")
      << "<annotation><filename>photo.png</filename>" << dog() << "</annotation>";
  write_jpeg(voc / "JPEGImages" / "photo.png", 40, 50);
  write_split(voc, "trainval", "1\n");
  Dataset d = read_voc(voc.string());
  EXPECT_EQ(d.images[0].image_path, (voc / "JPEGImages" / "photo.png").string());
  EXPECT_EQ(d.images[0].width, 40);
  EXPECT_EQ(d.images[0].height, 50);
}

TEST_F(VocReader, DifficultObjectsCanBeDropped) {
  fs::path voc = dir("VOC2007");
  add_image(voc, "1", dog() + object_xml("cat", "1", "1", "5", "5", 1));
  write_split(voc, "trainval", "1\n");
  VocReadOptions o;
  o.keep_difficult = false;
  VocReadReport report;
  Dataset d = read_voc(voc.string(), o, &report);
  ASSERT_EQ(d.images[0].objects.size(), 1u);
  EXPECT_EQ(d.images[0].objects[0].name, "dog");
  EXPECT_EQ(report.skipped_objects, 0);
}

TEST_F(VocReader, ZeroBasedBoxesAndGoodImagesPass) {
  fs::path voc = dir("VOC2007");
  add_image(voc, "1", object_xml("dog", "0", "0", "64", "48"));
  write_split(voc, "trainval", "1\n");
  VocReadOptions o;
  o.check_images = true;
  VocReadReport report;
  Dataset d = read_voc(voc.string(), o, &report);
  EXPECT_TRUE(report.problems.empty());
  EXPECT_FLOAT_EQ(d.images[0].objects[0].box.xmin, 0.f);
}

TEST_F(VocReader, NotAVocFolderThrowsEvenWhenLenient) {
  VocReadOptions o;
  o.lenient = true;
  fs::create_directories(dir("empty/sub"));
  EXPECT_THROW(read_voc(dir("empty").string(), o), Error);
  EXPECT_THROW(read_voc(dir("missing").string(), o), Error);
}

// One defect in an otherwise good folder: strict mode throws "<file>: <message>",
// lenient mode records the same, skips, counts and keeps the good image.
struct Defect {
  std::string name;
  std::function<void(const fs::path&)> make;  // writes image "2" (and its split line)
  std::string file;                           // in the problem's file
  std::string message;                        // in the problem's message
  int skipped_images = 0, skipped_objects = 0;
  std::vector<std::string> sets = {"trainval"};
  std::vector<std::string> classes;
  bool check_images = false;
};

TEST_F(VocReader, EachProblemNamesItsFileAndIsCountedWhenLenient) {
  auto with = [](std::string object) {
    return [object](const fs::path& f) { VocReader::add_image(f, "2", object); };
  };
  std::vector<Defect> defects = {
      {"missing split", [](const fs::path& f) { add_image(f, "2", dog()); }, "ImageSets/Main/test.txt", "does not exist", 0, 0,
       {"trainval", "test"}},
      {"missing annotation", [](const fs::path&) {}, "Annotations/2.xml", "annotation file does not exist", 1},
      {"missing image", [](const fs::path& f) { add_image(f, "2", dog(), 64, 48, 0, 0); },
       "JPEGImages/2.jpg", "image file does not exist", 1},
      {"malformed XML",
       [](const fs::path& f) {
         add_image(f, "2", dog());
         std::ofstream(f / "Annotations" / "2.xml") << "<annotation><size><width>64</size>";
       },
       "Annotations/2.xml", "malformed XML: Start-end tags mismatch at offset", 1},
      {"not an annotation",
       [](const fs::path& f) {
         add_image(f, "2", dog());
         std::ofstream(f / "Annotations" / "2.xml") << "<html></html>";
       },
       "Annotations/2.xml", "no <annotation> element", 1},
      {"no bndbox", with("<object><name>dog</name></object>"), "Annotations/2.xml",
       "object 1 (dog) has no <bndbox>", 0, 1},
      {"no name", with(dog() + "<object><bndbox/></object>"), "Annotations/2.xml", "object 2 has no <name>", 0, 1},
      {"not a number", with(object_xml("dog", "ten", "5", "30", "40")), "Annotations/2.xml",
       "<bndbox> has no number in <xmin>", 0, 1},
      {"xmin >= xmax", with(object_xml("dog", "30", "5", "30", "40")), "Annotations/2.xml",
       "empty box, xmin 30 >= xmax 30", 0, 1},
      {"ymin >= ymax", with(object_xml("dog", "10", "41", "30", "40")), "Annotations/2.xml",
       "empty box, ymin 41 >= ymax 40", 0, 1},
      {"xmax > width", with(object_xml("dog", "10", "5", "64.5", "40")), "Annotations/2.xml",
       "xmax 64.5 > image width 64", 0, 1},
      {"ymax > height", with(object_xml("dog", "10", "5", "30", "49")), "Annotations/2.xml",
       "ymax 49 > image height 48", 0, 1},
      {"negative xmin", with(object_xml("dog", "-1", "5", "30", "40")), "Annotations/2.xml",
       "box starts outside the image", 0, 1},
      {"unknown class", with(object_xml("horse", "10", "5", "30", "40")), "Annotations/2.xml",
       "unknown class 'horse'", 0, 1, {"trainval"}, {"dog", "cat"}},
      {"undecodable image",
       [](const fs::path& f) {
         add_image(f, "2", dog());
         std::ofstream(f / "JPEGImages" / "2.jpg") << "not a jpeg at all";
       },
       "JPEGImages/2.jpg", "image does not decode", 1, 0, {"trainval"}, {}, true},
      {"size mismatch", [](const fs::path& f) { add_image(f, "2", dog(), 64, 48, 32, 30); },
       "JPEGImages/2.jpg", "image is 32x30 but its annotation says 64x48", 1, 0, {"trainval"}, {}, true},
  };
  for (const Defect& defect : defects) {
    SCOPED_TRACE(defect.name);
    fs::path voc = dir("case");
    fs::remove_all(voc);
    add_image(voc, "1", dog());
    write_split(voc, "trainval", "1\n2\n");
    defect.make(voc);
    VocReadOptions o;
    o.sets = defect.sets;
    o.classes = defect.classes;
    o.check_images = defect.check_images;
    std::string strict;
    try {
      read_voc(voc.string(), o);
      ADD_FAILURE() << "strict read did not throw";
    } catch (const Error& e) {
      strict = e.what();
    }
    o.lenient = true;
    VocReadReport report;
    Dataset d = read_voc(voc.string(), o, &report);
    ASSERT_EQ(report.problems.size(), 1u);
    const VocProblem& p = report.problems[0];
    EXPECT_EQ(p.file, (voc / defect.file).string());
    EXPECT_NE(p.message.find(defect.message), std::string::npos) << p.message;
    EXPECT_EQ(strict, p.file + ": " + p.message);
    EXPECT_EQ(report.skipped_images, defect.skipped_images);
    EXPECT_EQ(report.skipped_objects, defect.skipped_objects);
    ASSERT_GE(d.images.size(), 1u);
    EXPECT_EQ(d.images[0].id, "1");
    EXPECT_EQ(d.images[0].objects.size(), 1u);
    EXPECT_EQ(d.images.size(), defect.skipped_images ? 1u : 2u);
  }
}

TEST_F(VocReader, LenientReadCollectsEveryProblem) {
  fs::path voc = dir("VOC2007");
  add_image(voc, "1", dog() + object_xml("dog", "9", "9", "3", "3") + "<object><name>cat</name></object>");
  add_image(voc, "2", dog(), 64, 48, 0, 0);  // no image
  write_split(voc, "trainval", "1\n2\n3\n");
  VocReadOptions o;
  o.lenient = true;
  o.sets = {"trainval", "val"};
  VocReadReport report;
  Dataset d = read_voc(voc.string(), o, &report);
  EXPECT_EQ(report.problems.size(), 5u);
  EXPECT_EQ(report.skipped_images, 2);
  EXPECT_EQ(report.skipped_objects, 2);
  ASSERT_EQ(d.images.size(), 1u);
  EXPECT_EQ(d.images[0].objects.size(), 1u);
}

}  // namespace
}  // namespace whittle
