// bench_loader: DetectionLoader throughput (images/s) with SSD training
// augmentation at 300x300, for 0 (in next()), 1 and 2 workers, with OpenCV's
// own thread pool left alone and with cv::setNumThreads(1); plus the eval
// resize for reference and a single-thread cost breakdown per stage.
// The data set is generated here: random 500x375 JPEGs (smooth background,
// filled shapes, noise) with 1-5 boxes each, written to a temp folder.
// Prints a Markdown report on stdout; progress goes to stderr.
//
//   bench_loader [--images N] [--epochs N] [--batch N] [--size S]
//                [--workers 0,1,2] [--keep]
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "data/augment.h"
#include "data/loader.h"
#include "runtime/process_setup.h"

using namespace whittle;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  int images = 200;
  int epochs = 3;
  int batch = 32;
  int size = 300;
  std::vector<int> workers = {0, 1, 2};
  bool keep = false;
};

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoi(item));
  return out;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench_loader: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--images") a.images = std::stoi(value());
    else if (arg == "--epochs") a.epochs = std::stoi(value());
    else if (arg == "--batch") a.batch = std::stoi(value());
    else if (arg == "--size") a.size = std::stoi(value());
    else if (arg == "--workers") a.workers = parse_list(value());
    else if (arg == "--keep") a.keep = true;
    else {
      std::fprintf(stderr, "usage: bench_loader [--images N] [--epochs N] [--batch N] [--size S] "
                           "[--workers 0,1,2] [--keep]\n");
      std::exit(2);
    }
  }
  return a;
}

// 500x375 JPEGs: a colour gradient, 1-5 filled shapes (the boxes) and a few
// distractor strokes, light noise; quality 90. Like photos, not like noise,
// so JPEG decoding costs what it costs on VOC.
Dataset generate(const fs::path& dir, int count) {
  fs::create_directories(dir);
  Dataset ds;
  ds.classes = {"a", "b", "c", "d", "e"};
  std::mt19937_64 rng(2345);
  const int w = 500, h = 375;
  for (int i = 0; i < count; ++i) {
    cv::Mat image(h, w, CV_8UC3);
    const cv::Vec3f c0(uniform(rng, 0, 255), uniform(rng, 0, 255), uniform(rng, 0, 255));
    const cv::Vec3f c1(uniform(rng, 0, 255), uniform(rng, 0, 255), uniform(rng, 0, 255));
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const float t = 0.5f * (static_cast<float>(x) / w + static_cast<float>(y) / h);
        const cv::Vec3f c = c0 * (1 - t) + c1 * t;
        image.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(c[0]), cv::saturate_cast<uchar>(c[1]),
                                              cv::saturate_cast<uchar>(c[2]));
      }
    ImageRecord r;
    char id[16];
    std::snprintf(id, sizeof id, "%06d", i + 1);
    r.id = id;
    r.image_path = (dir / (r.id + ".jpg")).string();
    r.width = w;
    r.height = h;
    const int objects = 1 + uniform_index(rng, 5);
    for (int k = 0; k < objects; ++k) {
      const int bw = static_cast<int>(uniform(rng, 20, 300)), bh = static_cast<int>(uniform(rng, 20, 250));
      const int x = uniform_index(rng, w - bw), y = uniform_index(rng, h - bh);
      const cv::Scalar colour(uniform(rng, 0, 255), uniform(rng, 0, 255), uniform(rng, 0, 255));
      if (k % 2)
        cv::ellipse(image, cv::Point(x + bw / 2, y + bh / 2), cv::Size(bw / 2, bh / 2), 0, 0, 360, colour, cv::FILLED);
      else
        cv::rectangle(image, cv::Rect(x, y, bw, bh), colour, cv::FILLED);
      Object o;
      o.label = uniform_index(rng, 5);
      o.name = ds.classes[o.label];
      o.box = {static_cast<float>(x + 1), static_cast<float>(y + 1), static_cast<float>(x + bw),
               static_cast<float>(y + bh)};
      r.objects.push_back(o);
    }
    for (int k = 0; k < 4; ++k)
      cv::line(image, cv::Point(uniform_index(rng, w), uniform_index(rng, h)),
               cv::Point(uniform_index(rng, w), uniform_index(rng, h)),
               cv::Scalar(uniform(rng, 0, 255), uniform(rng, 0, 255), uniform(rng, 0, 255)), 3);
    cv::Mat noise(h, w, CV_8UC3);
    cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(6));
    cv::add(image, noise, image, cv::noArray(), CV_8UC3);
    cv::imwrite(r.image_path, image, {cv::IMWRITE_JPEG_QUALITY, 90});
    ds.images.push_back(r);
  }
  return ds;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

// "TBB (ver 2021.8 interface 12080)" from OpenCV's build information.
std::string opencv_parallel_framework() {
  std::istringstream in(cv::getBuildInformation());
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find("Parallel framework:");
    if (at == std::string::npos) continue;
    std::string v = line.substr(at + 19);
    v.erase(0, v.find_first_not_of(' '));
    return v;
  }
  return "unknown parallel framework";
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five;
  in >> one >> five;
  return one + " / " + five;
}

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
  return buf;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Row {
  std::string transform, opencv_threads;
  int workers;
  double images_per_s, ms_per_batch, best_images_per_s;
};

Row measure(const Dataset& ds, const Args& args, LoaderTransform transform, int workers) {
  LoaderOptions o;
  o.transform = transform;
  o.size = args.size;
  o.batch_size = args.batch;
  o.shuffle = true;
  o.seed = 1;
  o.workers = workers;
  o.prefetch = std::max(2, 2 * workers);
  DetectionLoader loader(ds, o);
  std::vector<double> rates;
  double total_s = 0;
  size_t total_images = 0, total_batches = 0;
  for (int e = 0; e < args.epochs; ++e) {
    loader.reset(e);
    const auto start = Clock::now();
    size_t images = 0;
    while (auto b = loader.next()) {
      images += b->image_ids.size();
      ++total_batches;
    }
    const double s = seconds_since(start);
    rates.push_back(images / s);
    total_s += s;
    total_images += images;
  }
  Row r;
  r.workers = workers;
  r.images_per_s = total_images / total_s;
  r.best_images_per_s = *std::max_element(rates.begin(), rates.end());
  r.ms_per_batch = 1000.0 * total_s / total_batches;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  configure_process(argv);  // mallopt (and the OpenMP wait policy) as every Whittle program
  const Args args = parse(argc, argv);
  const int default_cv_threads = cv::getNumThreads();
  const std::string load_at_start = load_average();

  const fs::path dir = fs::temp_directory_path() / ("whittle_bench_loader_" + std::to_string(::getpid()));
  std::fprintf(stderr, "generating %d JPEGs in %s\n", args.images, dir.c_str());
  const Dataset ds = generate(dir, args.images);
  uintmax_t bytes = 0;
  for (const ImageRecord& r : ds.images) bytes += fs::file_size(r.image_path);

  // Single-thread cost per stage over the whole data set (once, after a warm pass).
  double decode_ms = 0, photometric_ms = 0, geometric_ms = 0, tensor_ms = 0;
  {
    std::vector<float> buffer(3 * args.size * args.size);
    SsdAugmentOptions geometric;
    geometric.photometric = false;
    for (int pass = 0; pass < 2; ++pass) {
      double d = 0, p = 0, g = 0, t = 0;
      for (size_t i = 0; i < ds.images.size(); ++i) {
        auto t0 = Clock::now();
        cv::Mat image = cv::imread(ds.images[i].image_path, cv::IMREAD_COLOR);
        d += seconds_since(t0);
        AnnotatedImage sample = make_annotated_image(ds.images[i], image);
        std::mt19937_64 rng(i);
        t0 = Clock::now();
        photometric_distort(sample.image, rng);
        p += seconds_since(t0);
        t0 = Clock::now();
        AnnotatedImage out = augment_ssd(sample, args.size, rng, geometric);
        g += seconds_since(t0);
        t0 = Clock::now();
        image_to_tensor(out.image, buffer.data());
        t += seconds_since(t0);
      }
      const double n = static_cast<double>(ds.images.size()) / 1000.0;
      decode_ms = d / n, photometric_ms = p / n, geometric_ms = g / n, tensor_ms = t / n;
    }
  }

  std::vector<Row> rows;
  for (int cv_threads : {default_cv_threads, 1}) {
    cv::setNumThreads(cv_threads);
    for (int w : args.workers) {
      std::fprintf(stderr, "SSD train, %d workers, OpenCV threads %d\n", w, cv_threads);
      Row r = measure(ds, args, LoaderTransform::SsdTrain, w);
      r.transform = "SSD train aug";
      r.opencv_threads = cv_threads == default_cv_threads ? "default (" + std::to_string(cv_threads) + ")" : "1";
      rows.push_back(r);
    }
  }
  cv::setNumThreads(default_cv_threads);
  {
    const int w = args.workers.back();
    std::fprintf(stderr, "eval resize, %d workers\n", w);
    Row r = measure(ds, args, LoaderTransform::Resize, w);
    r.transform = "eval resize";
    r.opencv_threads = "default (" + std::to_string(default_cv_threads) + ")";
    rows.push_back(r);
  }

  std::printf("### Loader throughput\n\n");
  std::printf("- command: `bench_loader --images %d --epochs %d --batch %d --size %d`\n", args.images,
              args.epochs, args.batch, args.size);
  std::printf("- date: %s\n", now_utc().c_str());
  std::printf("- machine: %s, %u hardware threads; OpenCV %s (%s)\n", cpu_model().c_str(),
              std::thread::hardware_concurrency(), CV_VERSION,
              opencv_parallel_framework().c_str());
  std::printf("- load average (1 / 5 min) at start %s, at end %s (the machine is shared)\n",
              load_at_start.c_str(), load_average().c_str());
  std::printf("- data: %d generated 500x375 JPEGs (quality 90, %.0f KiB average), 1-5 boxes each; "
              "batch %d, output %dx%d float RGB; shuffled; %d epochs per row, the consumer does nothing\n\n",
              args.images, bytes / 1024.0 / args.images, args.batch, args.size, args.size, args.epochs);
  std::printf("Single thread, per image: decode %.2f ms, photometric %.2f ms, expand+crop+flip+resize "
              "%.2f ms, to tensor %.2f ms (sum %.2f ms = %.0f images/s).\n\n",
              decode_ms, photometric_ms, geometric_ms, tensor_ms,
              decode_ms + photometric_ms + geometric_ms + tensor_ms,
              1000.0 / (decode_ms + photometric_ms + geometric_ms + tensor_ms));
  std::printf("| transform | workers | OpenCV threads | images/s (all epochs) | best epoch images/s | ms/batch |\n");
  std::printf("| --- | ---: | --- | ---: | ---: | ---: |\n");
  for (const Row& r : rows)
    std::printf("| %s | %s | %s | %.0f | %.0f | %.1f |\n", r.transform.c_str(),
                r.workers == 0 ? "0 (in next())" : std::to_string(r.workers).c_str(),
                r.opencv_threads.c_str(), r.images_per_s, r.best_images_per_s, r.ms_per_batch);

  if (!args.keep) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  } else {
    std::fprintf(stderr, "kept %s\n", dir.c_str());
  }
  return 0;
}
