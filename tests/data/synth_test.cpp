#include "data/synth.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <tuple>

#include "data/voc_reader.h"
#include "data/voc_writer.h"
#include "graph/error.h"
#include "io/atomic_file.h"
#include "jobs/progress.h"

namespace whittle {
namespace {
namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("whittle_synth_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string str() const { return path_.string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

SynthOptions small_options(const std::string& out, int images = 24) {
  SynthOptions o;
  o.out = out;
  o.images = images;
  o.size = 160;
  o.seed = 5;
  o.threads = 1;
  return o;
}

// Relative path -> bytes of every file below `root`.
std::map<std::string, std::string> all_files(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) files[fs::relative(e.path(), root).string()] = read_file(e.path().string());
  return files;
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string describe(const SynthOptions& o, int index) {
  std::ostringstream s;
  s << "seed " << o.seed << " size " << o.size << " classes " << o.classes << " image " << index;
  return s.str();
}

TEST(SynthClasses, VocNamesThenNumberedClasses) {
  std::vector<SynthClass> c20 = synth_classes(20);
  ASSERT_EQ(c20.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(c20[i].name, voc_class_names()[i]);
  std::vector<SynthClass> c25 = synth_classes(25);
  for (int i = 20; i < 25; ++i) EXPECT_EQ(c25[i].name, "class" + std::to_string(i + 1));
  EXPECT_EQ(synth_classes(8).back().name, "cat");
  EXPECT_THROW(synth_classes(0), Error);
  EXPECT_THROW(synth_classes(541), Error);
}

TEST(SynthClasses, IdentitiesUniqueAndNoSingleCueSeparatesThem) {
  std::vector<SynthClass> all = synth_classes(540);
  std::set<std::tuple<int, std::string, int>> seen;
  for (const auto& c : all)
    EXPECT_TRUE(seen.insert({int(c.shape), c.colour, int(c.texture)}).second) << c.name;
  std::map<int, int> shapes, textures;
  std::map<std::string, int> colours;
  for (const auto& c : synth_classes(20)) ++shapes[int(c.shape)], ++colours[c.colour], ++textures[int(c.texture)];
  EXPECT_EQ(shapes.size(), 10u);
  for (const auto& [s, n] : shapes) EXPECT_GE(n, 2) << synth_shape_name(SynthShape(s));
  for (const auto& [c, n] : colours) EXPECT_GE(n, 2) << c;
  for (const auto& [t, n] : textures) EXPECT_GE(n, 2) << synth_texture_name(SynthTexture(t));
}

TEST(SynthImage, SameOptionsSamePixelsOtherSeedOtherPixels) {
  SynthOptions o = small_options("");
  for (int i : {0, 7}) {
    SynthImage a = synthesize_image(o, i), b = synthesize_image(o, i);
    ASSERT_EQ(cv::norm(a.image, b.image, cv::NORM_INF), 0) << describe(o, i);
    EXPECT_EQ(voc_annotation_xml(a.record), voc_annotation_xml(b.record));
  }
  SynthOptions other = o;
  other.seed = 6;
  EXPECT_GT(cv::norm(synthesize_image(o, 0).image, synthesize_image(other, 0).image, cv::NORM_L1), 0);
  EXPECT_GT(cv::norm(synthesize_image(o, 0).image, synthesize_image(o, 1).image, cv::NORM_L1), 0);
}

TEST(SynthImage, BoxIsTightBoxOfVisibleMaskInsideTheImage) {
  SynthOptions o = small_options("");
  o.size = 200;
  int objects = 0, difficult = 0, truncated = 0;
  for (int i = 0; i < 40; ++i) {
    SynthImage im = synthesize_image(o, i, true);
    ASSERT_EQ(im.masks.size(), im.record.objects.size()) << describe(o, i);
    EXPECT_EQ(im.record.width, o.size);
    EXPECT_EQ(im.record.height, o.size);
    EXPECT_GE(im.jpeg_quality, 85);
    EXPECT_LE(im.jpeg_quality, 95);
    for (size_t k = 0; k < im.masks.size(); ++k) {
      const Object& obj = im.record.objects[k];
      SCOPED_TRACE(describe(o, i) + " object " + std::to_string(k) + " (" + obj.name + ")");
      cv::Rect r = cv::boundingRect(im.masks[k]);
      EXPECT_EQ(obj.box.xmin, r.x + 1);
      EXPECT_EQ(obj.box.ymin, r.y + 1);
      EXPECT_EQ(obj.box.xmax, r.x + r.width);
      EXPECT_EQ(obj.box.ymax, r.y + r.height);
      EXPECT_GE(obj.box.xmin, 1);
      EXPECT_GE(obj.box.ymin, 1);
      EXPECT_LE(obj.box.xmax, o.size);
      EXPECT_LE(obj.box.ymax, o.size);
      EXPECT_LT(obj.box.xmin, obj.box.xmax);
      EXPECT_LT(obj.box.ymin, obj.box.ymax);
      ASSERT_GE(obj.label, 0);
      EXPECT_EQ(obj.name, synth_classes(o.classes)[obj.label].name);
      if (std::max(r.width, r.height) < 12) {
        EXPECT_TRUE(obj.difficult);
      }
      ++objects, difficult += obj.difficult, truncated += obj.truncated;
    }
  }
  // 1-6 objects an image; some occluded, some cut by the border.
  EXPECT_GT(objects, 40 * 2);
  EXPECT_GT(difficult, 0);
  EXPECT_GT(truncated, 0);
}

TEST(SynthImage, VisibleObjectPixelsStandOutFromTheirSurroundings) {
  // The drawn object differs from the ring of pixels just outside its mask
  // (so the box really frames something). Averaged over many objects.
  SynthOptions o = small_options("");
  o.size = 200;
  double total = 0;
  int count = 0;
  for (int i = 0; i < 20; ++i) {
    SynthImage im = synthesize_image(o, i, true);
    for (size_t k = 0; k < im.masks.size(); ++k) {
      if (im.record.objects[k].difficult || cv::countNonZero(im.masks[k]) < 100) continue;
      cv::Mat1b ring;
      cv::dilate(im.masks[k], ring, cv::Mat(), {-1, -1}, 3);
      ring &= ~im.masks[k];
      cv::Scalar inside = cv::mean(im.image, im.masks[k]), outside = cv::mean(im.image, ring);
      total += cv::norm(inside - outside);
      ++count;
    }
  }
  ASSERT_GT(count, 10);
  EXPECT_GT(total / count, 25.0);
}

TEST(SynthVoc, ByteIdenticalWhateverTheThreadCount) {
  TempDir a("a"), b("b"), c("c");
  SynthOptions o = small_options(a.str());
  synthesize_voc(o);
  o.out = b.str();
  o.threads = 3;
  synthesize_voc(o);
  auto fa = all_files(a.path()), fb = all_files(b.path());
  EXPECT_EQ(fa.size(), 24u * 2 + 4 + 20 * 4);  // images, XMLs, 4 sets, 20 classes x 4 sets
  ASSERT_EQ(fa.size(), fb.size());
  for (const auto& [name, bytes] : fa) {
    ASSERT_TRUE(fb.count(name)) << name;
    EXPECT_TRUE(fb[name] == bytes) << name << " differs between 1 and 3 threads";
    EXPECT_NE(fs::path(name).filename().string()[0], '.') << "temporary file left: " << name;
  }
  o.out = c.str();
  o.seed = 6;
  synthesize_voc(o);
  auto fc = all_files(c.path());
  EXPECT_NE(fc["VOCdevkit/VOC2007/JPEGImages/000001.jpg"], fa["VOCdevkit/VOC2007/JPEGImages/000001.jpg"]);
}

TEST(SynthVoc, WritesTheDevkitLayoutAndVocXml) {
  TempDir dir("layout");
  SynthReport r = synthesize_voc(small_options(dir.str(), 6));
  EXPECT_EQ(r.root, (dir.path() / "VOCdevkit" / "VOC2007").string());
  EXPECT_EQ(r.devkit, (dir.path() / "VOCdevkit").string());
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file((fs::path(r.root) / "Annotations" / "000003.xml").c_str()));
  pugi::xml_node ann = doc.child("annotation");
  EXPECT_STREQ(ann.child_value("folder"), "VOC2007");
  EXPECT_STREQ(ann.child_value("filename"), "000003.jpg");
  EXPECT_EQ(ann.child("size").child("width").text().as_int(), 160);
  EXPECT_EQ(ann.child("size").child("depth").text().as_int(), 3);
  ASSERT_TRUE(ann.child("object"));
  for (pugi::xml_node obj : ann.children("object")) {
    EXPECT_STREQ(obj.child_value("pose"), "Unspecified");
    EXPECT_TRUE(obj.child("truncated") && obj.child("difficult"));
    pugi::xml_node box = obj.child("bndbox");
    EXPECT_LT(box.child("xmin").text().as_int(), box.child("xmax").text().as_int());
  }
  cv::Mat image = cv::imread((fs::path(r.root) / "JPEGImages" / "000003.jpg").string());
  EXPECT_EQ(image.size(), cv::Size(160, 160));
}

TEST(SynthVoc, SplitFilesPartitionTheImages) {
  TempDir dir("split");
  SynthOptions o = small_options(dir.str(), 50);
  o.split = parse_split_fractions("train=0.7,val=0.1,test=0.2");
  SynthReport r = synthesize_voc(o);
  const fs::path main = fs::path(r.root) / "ImageSets" / "Main";
  std::map<std::string, std::vector<std::string>> sets;
  for (const char* s : {"train", "val", "test", "trainval"}) sets[s] = read_lines(main / (std::string(s) + ".txt"));
  EXPECT_EQ(sets["train"].size(), 35u);
  EXPECT_EQ(sets["val"].size(), 5u);
  EXPECT_EQ(sets["test"].size(), 10u);
  std::set<std::string> all;
  for (const char* s : {"train", "val", "test"}) all.insert(sets[s].begin(), sets[s].end());
  EXPECT_EQ(all.size(), 50u);  // disjoint and complete
  std::set<std::string> tv(sets["train"].begin(), sets["train"].end());
  tv.insert(sets["val"].begin(), sets["val"].end());
  EXPECT_EQ(std::set<std::string>(sets["trainval"].begin(), sets["trainval"].end()), tv);
  ASSERT_EQ(r.sets.size(), 4u);
  EXPECT_EQ(r.sets[3], (std::pair<std::string, int>{"trainval", 40}));

  // Per-class files: one line per image of the set, flag from the XML.
  std::vector<std::string> dog = read_lines(main / "dog_test.txt");
  ASSERT_EQ(dog.size(), 10u);
  for (size_t i = 0; i < dog.size(); ++i) {
    std::istringstream line(dog[i]);
    std::string id;
    int flag = 9;
    line >> id >> flag;
    EXPECT_EQ(id, sets["test"][i]);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_file((fs::path(r.root) / "Annotations" / (id + ".xml")).c_str()));
    int expect = -1;
    for (pugi::xml_node obj : doc.child("annotation").children("object"))
      if (std::string(obj.child_value("name")) == "dog")
        expect = std::max(expect, obj.child("difficult").text().as_int() ? 0 : 1);
    EXPECT_EQ(flag, expect) << dog[i];
  }

  o.split = {{"a", 0.5}, {"b", 0.5}};
  o.images = 7;
  r = synthesize_voc(o);
  EXPECT_EQ(r.sets[0].second + r.sets[1].second, 7);
  EXPECT_EQ(r.sets.size(), 2u);  // no trainval without train and val
}

TEST(SynthVoc, ReadsBackWithTheVocReader) {
  TempDir dir("read");
  SynthOptions o = small_options(dir.str(), 20);
  o.classes = 25;
  SynthReport r = synthesize_voc(o);
  VocReadOptions ro;
  ro.sets = {"trainval", "test"};
  ro.check_images = true;
  ro.classes = r.classes;
  VocReadReport report;
  Dataset d = read_voc(r.devkit, ro, &report);
  for (const auto& p : report.problems) ADD_FAILURE() << p.file << ": " << p.message;
  EXPECT_EQ(d.classes, r.classes);
  EXPECT_EQ(d.classes[20], "class21");
  ASSERT_EQ(d.images.size(), 20u);
  int objects = 0;
  for (const ImageRecord& rec : d.images) {
    int index = std::stoi(rec.id) - 1;
    SynthImage im = synthesize_image(o, index);
    ASSERT_EQ(rec.objects.size(), im.record.objects.size()) << describe(o, index);
    for (size_t k = 0; k < rec.objects.size(); ++k) {
      EXPECT_EQ(rec.objects[k].label, im.record.objects[k].label);
      EXPECT_EQ(rec.objects[k].box.xmin, im.record.objects[k].box.xmin);
      EXPECT_EQ(rec.objects[k].box.ymax, im.record.objects[k].box.ymax);
      EXPECT_EQ(rec.objects[k].difficult, im.record.objects[k].difficult);
      EXPECT_EQ(rec.objects[k].truncated, im.record.objects[k].truncated);
    }
    objects += static_cast<int>(rec.objects.size());
  }
  EXPECT_EQ(objects, r.objects);
  // The VOC2007 folder on its own reads too.
  EXPECT_EQ(read_voc(r.root, ro).images.size(), 20u);
}

TEST(SynthVoc, CancelledRunLeavesNoSplitFiles) {
  TempDir dir("cancel");
  NullProgress progress;
  progress.cancel();
  EXPECT_THROW(synthesize_voc(small_options(dir.str(), 10), progress), Cancelled);
  EXPECT_FALSE(fs::exists(dir.path() / "VOCdevkit" / "VOC2007" / "ImageSets" / "Main" / "train.txt"));
}

TEST(SynthVoc, RejectsBadOptions) {
  TempDir dir("bad");
  SynthOptions o = small_options(dir.str(), 4);
  o.split = {{"train", 0.7}, {"val", 0.1}};
  EXPECT_THROW(synthesize_voc(o), Error);  // sums to 0.8
  o.split = {{"train", 0.5}, {"train", 0.5}};
  EXPECT_THROW(synthesize_voc(o), Error);
  o.split = {{"a/b", 1.0}};
  EXPECT_THROW(synthesize_voc(o), Error);
  o = small_options(dir.str(), 4);
  o.classes = 0;
  EXPECT_THROW(synthesize_voc(o), Error);
  o = small_options("", 4);
  EXPECT_THROW(synthesize_voc(o), Error);
  o = small_options(dir.str(), 4);
  o.min_side = 0.5;
  o.max_side = 0.2;  // min > max
  EXPECT_THROW(synthesize_voc(o), Error);
  o.min_side = 0.1;
  o.max_side = 1.5;  // larger than the image
  EXPECT_THROW(synthesize_voc(o), Error);
}

TEST(SynthImage, ObjectSidesFollowTheRequestedRange) {
  // Boxes are visible extents (occlusion, truncation and rotation shrink or
  // grow them), so compare the sets' medians, not each box with the range.
  auto median_side = [](SynthOptions o) {
    std::vector<double> sides;
    for (int i = 0; i < 40; ++i)
      for (const auto& obj : synthesize_image(o, i).record.objects)
        sides.push_back(std::max(obj.box.xmax - obj.box.xmin, obj.box.ymax - obj.box.ymin) + 1);
    std::sort(sides.begin(), sides.end());
    return sides[sides.size() / 2] / o.size;
  };
  SynthOptions small = small_options("");
  SynthOptions large = small;
  large.min_side = 0.25;
  large.max_side = 0.5;
  const double m_small = median_side(small), m_large = median_side(large);
  EXPECT_GT(m_large, 0.2);
  EXPECT_LT(m_small, 0.2);
  EXPECT_GT(m_large, 1.5 * m_small);
}

TEST(SynthVoc, ParsesSplitSpecs) {
  auto s = parse_split_fractions("train=0.7,val=0.1,test=0.2");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1].first, "val");
  EXPECT_DOUBLE_EQ(s[2].second, 0.2);
  EXPECT_EQ(parse_split_fractions("all=1").size(), 1u);
  for (const char* bad : {"", "train", "train=", "=0.5", "train=0.5x", "train=0.5,", "a=1,,b=0"})
    EXPECT_THROW(parse_split_fractions(bad), Error) << bad;
}

}  // namespace
}  // namespace whittle
