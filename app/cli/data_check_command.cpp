// `data check DIR... [--set S]... [--json]`: reads VOC data leniently, decoding
// every image, prints each problem and a summary. Exit 0 when clean, 1 when
// problems were found.
#include <algorithm>
#include <climits>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/data_command.h"
#include "cli/format.h"
#include "data/voc_reader.h"

namespace whittle::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> roots;
  std::vector<std::string> sets = {"trainval"};
  bool json = false;
};

struct ClassCount {
  int64_t images = 0, objects = 0, difficult = 0, truncated = 0;
};

struct Summary {
  std::vector<ClassCount> per_class;
  int64_t objects = 0, difficult = 0, truncated = 0;
  int min_width = 0, max_width = 0, min_height = 0, max_height = 0;
};

Summary summarize(const Dataset& data) {
  Summary s;
  s.per_class.resize(data.classes.size());
  int min_w = INT_MAX, min_h = INT_MAX;
  for (const auto& img : data.images) {
    min_w = std::min(min_w, img.width);
    min_h = std::min(min_h, img.height);
    s.max_width = std::max(s.max_width, img.width);
    s.max_height = std::max(s.max_height, img.height);
    std::vector<bool> has(data.classes.size(), false);
    for (const auto& obj : img.objects) {
      ClassCount& c = s.per_class[obj.label];
      ++c.objects;
      c.difficult += obj.difficult;
      c.truncated += obj.truncated;
      has[obj.label] = true;
      ++s.objects;
      s.difficult += obj.difficult;
      s.truncated += obj.truncated;
    }
    for (size_t k = 0; k < has.size(); ++k) s.per_class[k].images += has[k];
  }
  if (!data.images.empty()) {
    s.min_width = min_w;
    s.min_height = min_h;
  }
  return s;
}

void print_json(const Dataset& data, const VocReadReport& report, const Summary& s) {
  nlohmann::ordered_json j;
  j["problems"] = nlohmann::json::array();
  for (const auto& p : report.problems) j["problems"].push_back({{"file", p.file}, {"message", p.message}});
  j["images"] = data.images.size();
  j["objects"] = s.objects;
  j["skipped_images"] = report.skipped_images;
  j["skipped_objects"] = report.skipped_objects;
  j["difficult"] = s.difficult;
  j["truncated"] = s.truncated;
  j["width"] = {{"min", s.min_width}, {"max", s.max_width}};
  j["height"] = {{"min", s.min_height}, {"max", s.max_height}};
  j["classes"] = nlohmann::json::array();
  for (size_t k = 0; k < data.classes.size(); ++k) {
    const ClassCount& c = s.per_class[k];
    j["classes"].push_back({{"name", data.classes[k]},
                            {"images", c.images},
                            {"objects", c.objects},
                            {"difficult", c.difficult},
                            {"truncated", c.truncated}});
  }
  std::cout << j.dump(2) << '\n';
}

void print_text(const Dataset& data, const VocReadReport& report, const Summary& s) {
  for (const auto& p : report.problems) std::cout << p.file << ": " << p.message << '\n';
  if (!report.problems.empty()) std::cout << '\n';
  Table table({"class", "images", "objects", "difficult", "truncated"}, {false, true, true, true, true});
  for (size_t k = 0; k < data.classes.size(); ++k) {
    const ClassCount& c = s.per_class[k];
    table.add({data.classes[k], with_commas(c.images), with_commas(c.objects), with_commas(c.difficult),
               with_commas(c.truncated)});
  }
  std::cout << table.render() << '\n';
  std::cout << "images     " << with_commas(static_cast<int64_t>(data.images.size())) << " ("
            << report.skipped_images << " skipped)\n"
            << "objects    " << with_commas(s.objects) << " (" << report.skipped_objects << " skipped)\n"
            << "difficult  " << with_commas(s.difficult) << '\n'
            << "truncated  " << with_commas(s.truncated) << '\n'
            << "size       width " << s.min_width << ".." << s.max_width << ", height " << s.min_height
            << ".." << s.max_height << '\n'
            << "problems   " << report.problems.size() << '\n';
}

}  // namespace

void add_data_check_command(CLI::App& data) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = data.add_subcommand(
      "check", "read a VOC folder or VOCdevkit, decode every image, list problems and a summary");
  cmd->add_option("dir", options->roots, "VOCdevkit, year folder (VOC2007) or VOC-format folder; several combine")
      ->required();
  cmd->add_option("--set", options->sets, "ImageSets/Main/<set>.txt to read (repeatable; default trainval)")
      ->allow_extra_args(false);  // `--set a --set b DIR`: one value per --set
  cmd->add_flag("--json", options->json, "machine-readable output");
  cmd->callback([options] {
    VocReadOptions read;
    read.sets = options->sets;
    read.lenient = true;
    read.check_images = true;
    VocReadReport report;
    Dataset dataset = read_voc(options->roots, read, &report);
    Summary summary = summarize(dataset);
    if (options->json) print_json(dataset, report, summary);
    else print_text(dataset, report, summary);
    if (!report.problems.empty()) throw CLI::RuntimeError(1);
  });
}

}  // namespace whittle::cli
