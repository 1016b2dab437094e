#include "data/voc_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <pugixml.hpp>
#include <sstream>

#include "graph/error.h"

namespace whittle {
namespace fs = std::filesystem;

namespace {

// 48 -> "48", 48.5 -> "48.5": VOC's own files hold whole pixels.
std::string number_text(float v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e9f)
    return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(v));
  return buf;
}

void add_text(pugi::xml_node parent, const char* name, const std::string& text) {
  parent.append_child(name).text().set(text.c_str());
}

}  // namespace

std::string voc_annotation_xml(const ImageRecord& record, const std::string& folder,
                               const std::string& database) {
  pugi::xml_document doc;
  pugi::xml_node ann = doc.append_child("annotation");
  add_text(ann, "folder", folder);
  std::string filename = record.image_path.empty()
                             ? record.id + ".jpg"
                             : fs::path(record.image_path).filename().string();
  add_text(ann, "filename", filename);
  pugi::xml_node source = ann.append_child("source");
  add_text(source, "database", database);
  add_text(source, "annotation", database);
  pugi::xml_node size = ann.append_child("size");
  add_text(size, "width", std::to_string(record.width));
  add_text(size, "height", std::to_string(record.height));
  add_text(size, "depth", std::to_string(record.depth));
  add_text(ann, "segmented", "0");
  for (const Object& o : record.objects) {
    pugi::xml_node obj = ann.append_child("object");
    add_text(obj, "name", o.name);
    add_text(obj, "pose", "Unspecified");
    add_text(obj, "truncated", o.truncated ? "1" : "0");
    add_text(obj, "difficult", o.difficult ? "1" : "0");
    pugi::xml_node box = obj.append_child("bndbox");
    add_text(box, "xmin", number_text(o.box.xmin));
    add_text(box, "ymin", number_text(o.box.ymin));
    add_text(box, "xmax", number_text(o.box.xmax));
    add_text(box, "ymax", number_text(o.box.ymax));
  }
  std::ostringstream out;
  doc.save(out, "\t", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
  return out.str();
}

void write_voc_annotation(const std::string& path, const ImageRecord& record,
                          const std::string& folder, const std::string& database) {
  write_file_renamed(path, voc_annotation_xml(record, folder, database));
}

void write_image_set(const std::string& path, const std::vector<std::string>& ids) {
  std::string text;
  for (const auto& id : ids) text += id + '\n';
  write_file_renamed(path, text);
}

void write_class_image_set(const std::string& path, const std::vector<const ImageRecord*>& images,
                           const std::string& class_name) {
  std::string text;
  for (const ImageRecord* record : images) {
    int flag = -1;  // -1 absent, 0 difficult only, 1 present
    for (const Object& o : record->objects) {
      if (o.name != class_name) continue;
      if (!o.difficult) {
        flag = 1;
        break;
      }
      flag = 0;
    }
    text += record->id + (flag < 0 ? " -1\n" : flag == 0 ? "  0\n" : "  1\n");
  }
  write_file_renamed(path, text);
}

void write_file_renamed(const std::string& path, const std::string& bytes) {
  fs::path target(path);
  if (target.filename().empty()) throw Error(path + ": not a file name");
  // Unique per process and thread: several workers may write side by side.
  std::ostringstream name;
  name << '.' << target.filename().string() << ".tmp-" << ::getpid() << '-'
       << std::hash<std::string>{}(path);
  fs::path tmp = target.parent_path() / name.str();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(path + ": cannot write (" + std::strerror(errno) + ")");
  const char* data = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error(path + ": cannot write (" + std::strerror(err) + ")");
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot write (" + std::strerror(err) + ")");
  }
}

}  // namespace whittle
