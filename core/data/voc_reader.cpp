#include "data/voc_reader.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "graph/error.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;

// Strict mode throws at the first problem; lenient mode records it and goes on.
class Problems {
 public:
  Problems(bool lenient, VocReadReport* report) : lenient_(lenient), report_(report ? report : &own_) {}
  void add(const fs::path& file, const std::string& message) {
    if (!lenient_) throw Error(file.string() + ": " + message);
    report_->problems.push_back({file.string(), message});
  }
  void skip_image() { ++report_->skipped_images; }
  void skip_object() { ++report_->skipped_objects; }

 private:
  bool lenient_;
  VocReadReport own_;
  VocReadReport* report_;
};

std::string trim(const std::string& s) {
  const char* space = " \t\r\n";
  size_t b = s.find_first_not_of(space);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(space) - b + 1);
}

std::string number(float v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// The text of parent/<tag> as a float; nullopt when absent or not a number.
std::optional<float> child_number(const pugi::xml_node& parent, const char* tag) {
  std::string text = trim(parent.child_value(tag));
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  float v = std::strtof(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

bool child_flag(const pugi::xml_node& parent, const char* tag) {
  std::optional<float> v = child_number(parent, tag);
  return v && *v != 0.f;
}

// Normalized folder path without a trailing separator, so filename() is its name.
fs::path clean(const std::string& root) {
  fs::path p = fs::path(root).lexically_normal();
  if (p.filename().empty() && p.has_parent_path()) p = p.parent_path();
  return p;
}

// The data set folders of one root: the root itself, or the folders inside it.
std::vector<fs::path> data_folders(const std::string& root) {
  fs::path p = clean(root);
  std::error_code ec;
  if (!fs::is_directory(p, ec)) throw Error(root + ": not a directory");
  if (fs::is_directory(p / "Annotations", ec)) return {p};
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(p))
    if (entry.is_directory(ec) && fs::is_directory(entry.path() / "Annotations", ec))
      found.push_back(entry.path());
  std::sort(found.begin(), found.end());
  if (found.empty())
    throw Error(root + ": not a VOC folder (no Annotations/ in it or in any folder inside it)");
  return found;
}

// Ids listed by the sets, first occurrence first. A line is "<id>" or "<id> <flag>".
std::vector<std::string> read_ids(const fs::path& folder, const std::vector<std::string>& sets,
                                  Problems& problems) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const auto& set : sets) {
    fs::path file = folder / "ImageSets" / "Main" / (set + ".txt");
    std::ifstream in(file);
    if (!in) {
      problems.add(file, "split file '" + set + "' does not exist");
      continue;
    }
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string id;
      if (words >> id && seen.insert(id).second) ids.push_back(id);
    }
  }
  return ids;
}

// One <object>; an empty string when it is good, else what is wrong with it.
std::string read_object(const pugi::xml_node& node, int index, const ImageRecord& image,
                        const std::map<std::string, int>& given, Object& out) {
  std::string where = "object " + std::to_string(index);
  out.name = trim(node.child_value("name"));
  if (out.name.empty()) return where + " has no <name>";
  where += " (" + out.name + ")";
  if (!given.empty() && !given.count(out.name))
    return where + ": unknown class '" + out.name + "' (not in the given class list)";
  pugi::xml_node bb = node.child("bndbox");
  if (!bb) return where + " has no <bndbox>";
  float* coords[] = {&out.box.xmin, &out.box.ymin, &out.box.xmax, &out.box.ymax};
  const char* tags[] = {"xmin", "ymin", "xmax", "ymax"};
  for (int i = 0; i < 4; ++i) {
    std::optional<float> v = child_number(bb, tags[i]);
    if (!v) return where + ": <bndbox> has no number in <" + tags[i] + ">";
    *coords[i] = *v;
  }
  const Box& b = out.box;
  if (b.xmin >= b.xmax) return where + ": empty box, xmin " + number(b.xmin) + " >= xmax " + number(b.xmax);
  if (b.ymin >= b.ymax) return where + ": empty box, ymin " + number(b.ymin) + " >= ymax " + number(b.ymax);
  if (b.xmin < 0 || b.ymin < 0)
    return where + ": box starts outside the image (xmin " + number(b.xmin) + ", ymin " + number(b.ymin) + ")";
  if (b.xmax > image.width)
    return where + ": xmax " + number(b.xmax) + " > image width " + std::to_string(image.width);
  if (b.ymax > image.height)
    return where + ": ymax " + number(b.ymax) + " > image height " + std::to_string(image.height);
  out.difficult = child_flag(node, "difficult");
  out.truncated = child_flag(node, "truncated");
  return "";
}

// Decodes an image; empty when the file has no known format or does not decode.
cv::Mat decode(const std::string& path) {
  if (!cv::haveImageReader(path)) return {};  // keeps OpenCV from warning on stderr
  return cv::imread(path, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
}

// One image: its annotation, image file and objects; nullopt when it is skipped.
std::optional<ImageRecord> read_image(const fs::path& folder, const std::string& id,
                                      const VocReadOptions& options,
                                      const std::map<std::string, int>& given, Problems& problems) {
  ImageRecord rec;
  rec.id = id;
  fs::path xml = folder / "Annotations" / (id + ".xml");
  rec.annotation_path = xml.string();
  std::error_code ec;
  if (!fs::is_regular_file(xml, ec)) {
    problems.add(xml, "annotation file does not exist");
    return std::nullopt;
  }
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_file(xml.c_str());
  if (!parsed) {
    problems.add(xml, std::string("malformed XML: ") + parsed.description() + " at offset " +
                          std::to_string(parsed.offset));
    return std::nullopt;
  }
  pugi::xml_node ann = doc.child("annotation");
  if (!ann) {
    problems.add(xml, "malformed XML: no <annotation> element");
    return std::nullopt;
  }

  fs::path image = folder / "JPEGImages" / (id + ".jpg");
  std::string filename = trim(ann.child_value("filename"));
  if (!filename.empty() && fs::is_regular_file(folder / "JPEGImages" / filename, ec))
    image = folder / "JPEGImages" / filename;
  rec.image_path = image.string();
  if (!fs::is_regular_file(image, ec)) {
    problems.add(image, "image file does not exist (annotation " + xml.filename().string() + ")");
    return std::nullopt;
  }

  pugi::xml_node size = ann.child("size");
  rec.width = static_cast<int>(child_number(size, "width").value_or(0));
  rec.height = static_cast<int>(child_number(size, "height").value_or(0));
  rec.depth = static_cast<int>(child_number(size, "depth").value_or(3));
  cv::Mat pixels;
  if (options.check_images || rec.width <= 0 || rec.height <= 0) {
    pixels = decode(rec.image_path);
    if (pixels.empty()) {
      problems.add(image, "image does not decode");
      return std::nullopt;
    }
  }
  if (rec.width <= 0 || rec.height <= 0) {  // no usable <size>: the image's own
    rec.width = pixels.cols;
    rec.height = pixels.rows;
  } else if (options.check_images && (pixels.cols != rec.width || pixels.rows != rec.height)) {
    problems.add(image, "image is " + std::to_string(pixels.cols) + "x" + std::to_string(pixels.rows) +
                            " but its annotation says " + std::to_string(rec.width) + "x" +
                            std::to_string(rec.height));
    return std::nullopt;
  }

  int index = 0;
  for (pugi::xml_node node : ann.children("object")) {
    Object obj;
    std::string wrong = read_object(node, ++index, rec, given, obj);
    if (!wrong.empty()) {
      problems.add(xml, wrong);
      problems.skip_object();
      continue;
    }
    if (obj.difficult && !options.keep_difficult) continue;
    rec.objects.push_back(std::move(obj));
  }
  return rec;
}

// Class list per VocReadOptions::classes, then every object's label.
void assign_labels(Dataset& data, const std::vector<std::string>& given) {
  if (!given.empty()) {
    data.classes = given;
  } else {
    std::set<std::string> names;
    for (const auto& img : data.images)
      for (const auto& obj : img.objects) names.insert(obj.name);
    const auto& voc = voc_class_names();
    bool all_voc = std::all_of(names.begin(), names.end(), [&](const std::string& n) {
      return std::find(voc.begin(), voc.end(), n) != voc.end();
    });
    data.classes = all_voc ? voc : std::vector<std::string>(names.begin(), names.end());
  }
  std::map<std::string, int> label;
  for (size_t i = 0; i < data.classes.size(); ++i) label.emplace(data.classes[i], static_cast<int>(i));
  for (auto& img : data.images)
    for (auto& obj : img.objects) obj.label = label.at(obj.name);
}

}  // namespace

Dataset read_voc(const std::string& root, const VocReadOptions& options, VocReadReport* report) {
  return read_voc(std::vector<std::string>{root}, options, report);
}

Dataset read_voc(const std::vector<std::string>& roots, const VocReadOptions& options,
                 VocReadReport* report) {
  Problems problems(options.lenient, report);
  std::map<std::string, int> given;
  for (size_t i = 0; i < options.classes.size(); ++i)
    if (!given.emplace(options.classes[i], static_cast<int>(i)).second)
      throw Error("class list names '" + options.classes[i] + "' twice");

  // Every data set folder once, in order.
  std::vector<fs::path> folders;
  std::set<fs::path> seen;
  for (const auto& root : roots)
    for (const auto& folder : data_folders(root))
      if (seen.insert(fs::weakly_canonical(folder)).second) folders.push_back(folder);

  Dataset data;
  std::vector<size_t> folder_of;  // image -> folder index
  std::map<std::string, std::set<size_t>> folders_of_id;
  for (size_t f = 0; f < folders.size(); ++f)
    for (const auto& id : read_ids(folders[f], options.sets, problems)) {
      std::optional<ImageRecord> rec = read_image(folders[f], id, options, given, problems);
      if (!rec) {
        problems.skip_image();
        continue;
      }
      data.images.push_back(std::move(*rec));
      folder_of.push_back(f);
      folders_of_id[id].insert(f);
    }

  // Ids in several folders become "<folder>/<id>"; the folder's name, or its
  // path when two folders share a name.
  std::map<std::string, int> name_count;
  for (const auto& f : folders) ++name_count[f.filename().string()];
  for (size_t i = 0; i < data.images.size(); ++i) {
    ImageRecord& img = data.images[i];
    if (folders_of_id[img.id].size() < 2) continue;
    const fs::path& f = folders[folder_of[i]];
    std::string name = f.filename().string();
    img.id = (name_count[name] > 1 ? f.generic_string() : name) + "/" + img.id;
  }

  assign_labels(data, options.classes);
  return data;
}

}  // namespace whittle
