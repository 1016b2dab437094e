// Writing a synthetic VOC devkit (data/synth.h); the images come from
// synth_image.cpp.
#include "data/synth.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <exception>
#include <filesystem>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "data/synth_shapes.h"
#include "data/voc_writer.h"
#include "graph/error.h"
#include "jobs/progress.h"
#include "runtime/threading.h"

namespace whittle {
namespace fs = std::filesystem;

namespace {

bool valid_set_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

void check_options(const SynthOptions& o) {
  if (o.out.empty()) throw Error("synthetic data: no output folder");
  if (o.images < 1) throw Error("synthetic data: images " + std::to_string(o.images) + " < 1");
  if (o.size < 32 || o.size > 8192)
    throw Error("synthetic data: size " + std::to_string(o.size) + " not in 32..8192");
  synth_classes(o.classes);  // throws on a bad count
  if (!(o.min_side > 0 && o.min_side < o.max_side && o.max_side <= 1))
    throw Error("synthetic data: object sides must satisfy 0 < min < max <= 1, got " +
                std::to_string(o.min_side) + ", " + std::to_string(o.max_side));
  if (o.split.empty()) throw Error("synthetic data: no split sets");
  std::set<std::string> names;
  double sum = 0;
  for (const auto& [name, fraction] : o.split) {
    if (!valid_set_name(name))
      throw Error("synthetic data: split set name '" + name + "' (letters, digits, _ and - only)");
    if (!names.insert(name).second) throw Error("synthetic data: split set '" + name + "' twice");
    if (!(fraction >= 0 && fraction <= 1))
      throw Error("synthetic data: split fraction of '" + name + "' not in 0..1");
    sum += fraction;
  }
  if (std::fabs(sum - 1) > 1e-6) {
    std::ostringstream msg;
    msg << "synthetic data: split fractions sum to " << sum << ", not 1";
    throw Error(msg.str());
  }
}

// Image indices of each set: a seeded shuffle cut by largest remainders, so
// the counts sum to `images`; each set's indices sorted.
std::vector<std::vector<int>> split_indices(const SynthOptions& o) {
  const int n = o.images, k = static_cast<int>(o.split.size());
  std::vector<int> counts(k);
  std::vector<std::pair<double, int>> remainders;
  int given = 0;
  for (int i = 0; i < k; ++i) {
    double exact = o.split[i].second * n;
    counts[i] = static_cast<int>(std::floor(exact));
    given += counts[i];
    remainders.push_back({exact - counts[i], i});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (int i = 0; given < n; ++i, ++given) ++counts[remainders[i % k].second];

  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  synth::Rng rng(synth::Rng::derive(o.seed, ~0ull));
  for (int i = n; i > 1; --i) std::swap(order[i - 1], order[rng.integer(0, i - 1)]);
  std::vector<std::vector<int>> sets(k);
  for (int s = 0, at = 0; s < k; at += counts[s], ++s) {
    sets[s].assign(order.begin() + at, order.begin() + at + counts[s]);
    std::sort(sets[s].begin(), sets[s].end());
  }
  return sets;
}

}  // namespace

SynthReport synthesize_voc(const SynthOptions& options) {
  NullProgress progress;
  return synthesize_voc(options, progress);
}

SynthReport synthesize_voc(const SynthOptions& o, Progress& progress) {
  check_options(o);
  SynthReport report;
  const fs::path devkit = fs::path(o.out) / "VOCdevkit", root = devkit / "VOC2007";
  report.devkit = devkit.string();
  report.root = root.string();
  const fs::path images_dir = root / "JPEGImages", ann_dir = root / "Annotations",
                 sets_dir = root / "ImageSets" / "Main";
  std::error_code ec;
  for (const auto& dir : {images_dir, ann_dir, sets_dir}) {
    fs::create_directories(dir, ec);
    if (ec) throw Error(dir.string() + ": cannot create folder (" + ec.message() + ")");
  }

  // Images in parallel: each is a function of (seed, index) alone.
  std::vector<ImageRecord> records(o.images);
  std::atomic<int> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&](bool reports) {
    try {
      for (int i; !stop && (i = next++) < o.images;) {
        if (progress.cancelled()) {
          stop = true;
          break;
        }
        SynthImage im = synthesize_image(o, i);
        ImageRecord& r = im.record;
        r.image_path = (images_dir / (r.id + ".jpg")).string();
        r.annotation_path = (ann_dir / (r.id + ".xml")).string();
        std::vector<uchar> jpeg;
        if (!cv::imencode(".jpg", im.image, jpeg, {cv::IMWRITE_JPEG_QUALITY, im.jpeg_quality}))
          throw Error(r.image_path + ": JPEG encoding failed");
        write_file_renamed(r.image_path, std::string(jpeg.begin(), jpeg.end()));
        write_voc_annotation(r.annotation_path, r);
        records[i] = std::move(r);
        int finished = ++done;
        if (reports)
          progress.report(double(finished) / o.images,
                          std::to_string(finished) + "/" + std::to_string(o.images) + " images");
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      stop = true;
    }
  };
  int threads = std::clamp(o.threads > 0 ? o.threads : hardware_threads(), 1, o.images);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, false);
  work(true);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  progress.check_cancelled();
  if (done != o.images) throw Error("synthetic data: stopped after " + std::to_string(done) + " images");

  // Split files last: a run that stops early leaves none naming missing images.
  std::vector<std::vector<int>> sets = split_indices(o);
  std::vector<std::pair<std::string, std::vector<int>>> named;
  for (size_t s = 0; s < sets.size(); ++s) named.push_back({o.split[s].first, sets[s]});
  auto find = [&](const std::string& name) {
    return std::find_if(named.begin(), named.end(), [&](const auto& p) { return p.first == name; });
  };
  if (find("trainval") == named.end() && find("train") != named.end() && find("val") != named.end()) {
    std::vector<int> tv = find("train")->second;
    tv.insert(tv.end(), find("val")->second.begin(), find("val")->second.end());
    std::sort(tv.begin(), tv.end());
    named.push_back({"trainval", tv});
  }
  report.classes.clear();
  for (const auto& c : synth_classes(o.classes)) report.classes.push_back(c.name);
  for (const auto& [name, indices] : named) {
    std::vector<std::string> ids;
    std::vector<const ImageRecord*> recs;
    for (int i : indices) {
      ids.push_back(records[i].id);
      recs.push_back(&records[i]);
    }
    write_image_set((sets_dir / (name + ".txt")).string(), ids);
    for (const auto& cls : report.classes)
      write_class_image_set((sets_dir / (cls + "_" + name + ".txt")).string(), recs, cls);
    report.sets.push_back({name, static_cast<int>(indices.size())});
  }

  report.images = o.images;
  report.objects_per_class.assign(o.classes, 0);
  report.difficult_per_class.assign(o.classes, 0);
  for (const ImageRecord& r : records)
    for (const Object& obj : r.objects) {
      ++report.objects;
      ++report.objects_per_class[obj.label];
      report.difficult += obj.difficult;
      report.difficult_per_class[obj.label] += obj.difficult;
      report.truncated += obj.truncated;
    }
  progress.report(1.0, "done");
  return report;
}

std::vector<std::pair<std::string, double>> parse_split_fractions(const std::string& spec) {
  std::vector<std::pair<std::string, double>> out;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t eq = item.find('=');
    std::string name = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
    double fraction = 0;
    size_t used = 0;
    try {
      fraction = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (eq == std::string::npos || name.empty() || value.empty() || used != value.size())
      throw Error("split '" + spec + "': expected name=fraction[,name=fraction...], got '" + item + "'");
    out.push_back({name, fraction});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace whittle
