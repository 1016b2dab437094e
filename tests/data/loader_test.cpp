// DetectionLoader and tensor conversion: deterministic batches whatever the
// worker count, per-epoch shuffling, errors naming the file, clean shutdown.
// The data set is a handful of JPEGs written here (no reader needed).
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>

#include "data/loader.h"
#include "graph/error.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;

class LoaderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("whittle_loader_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    dataset_ = Dataset{};  // SetUpTestSuite runs again under --gtest_repeat
    dataset_.classes = {"a", "b", "c"};
    std::mt19937_64 gen(2345);
    for (int i = 0; i < 11; ++i) {
      const int w = 64 + 8 * (i % 3), h = 48 + 4 * (i % 4);
      cv::Mat image(h, w, CV_8UC3);
      cv::randu(image, 0, 60);
      ImageRecord r;
      r.id = "img" + std::to_string(i);
      r.image_path = (dir_ / (r.id + ".jpg")).string();
      r.width = w;
      r.height = h;
      for (int k = 0; k < 1 + i % 3; ++k) {
        Object o;
        o.label = (i + k) % 3;
        o.name = dataset_.classes[o.label];
        const int x = static_cast<int>(uniform(gen, 1, w - 20)), y = static_cast<int>(uniform(gen, 1, h - 20));
        o.box = {static_cast<float>(x), static_cast<float>(y), static_cast<float>(x + 15),
                 static_cast<float>(y + 12)};
        o.difficult = k == 1;
        cv::rectangle(image, cv::Rect(x - 1, y - 1, 16, 13), cv::Scalar(40 * k, 200, 255 - 60 * k), cv::FILLED);
        r.objects.push_back(o);
      }
      ASSERT_TRUE(cv::imwrite(r.image_path, image));
      dataset_.images.push_back(r);
    }
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static LoaderOptions train_options(int workers) {
    LoaderOptions o;
    o.transform = LoaderTransform::SsdTrain;
    o.size = 64;
    o.batch_size = 3;
    o.shuffle = true;
    o.seed = 7;
    o.workers = workers;
    o.prefetch = 2;
    return o;
  }

  static std::vector<Batch> epoch(DetectionLoader& loader) {
    std::vector<Batch> out;
    while (auto b = loader.next()) out.push_back(std::move(*b));
    return out;
  }

  static std::vector<std::string> ids(const std::vector<Batch>& batches) {
    std::vector<std::string> out;
    for (const Batch& b : batches) out.insert(out.end(), b.image_ids.begin(), b.image_ids.end());
    return out;
  }

  static void expect_same(const std::vector<Batch>& x, const std::vector<Batch>& y, const std::string& what) {
    ASSERT_EQ(x.size(), y.size()) << what;
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_EQ(x[i].image_ids, y[i].image_ids) << what << " batch " << i;
      EXPECT_TRUE(at::equal(x[i].images, y[i].images)) << what << " batch " << i;
      ASSERT_EQ(x[i].boxes.size(), y[i].boxes.size()) << what;
      for (size_t j = 0; j < x[i].boxes.size(); ++j) {
        EXPECT_TRUE(at::equal(x[i].boxes[j], y[i].boxes[j])) << what << " batch " << i << " image " << j;
        EXPECT_TRUE(at::equal(x[i].labels[j], y[i].labels[j])) << what << " batch " << i << " image " << j;
        EXPECT_TRUE(at::equal(x[i].difficult[j], y[i].difficult[j])) << what << " batch " << i << " image " << j;
      }
    }
  }

  static fs::path dir_;
  static Dataset dataset_;
};

fs::path LoaderTest::dir_;
Dataset LoaderTest::dataset_;

TEST(Tensor, ImageToTensorIsRgbInUnitRange) {
  cv::Mat image(2, 3, CV_8UC3, cv::Scalar(10, 20, 255));  // B G R
  image.at<cv::Vec3b>(1, 2) = cv::Vec3b(0, 0, 0);
  const at::Tensor t = image_to_tensor(image);
  ASSERT_EQ(t.sizes(), (at::IntArrayRef{3, 2, 3}));
  EXPECT_EQ(t.scalar_type(), at::kFloat);
  EXPECT_FLOAT_EQ(t[0][0][0].item<float>(), 1.0f);  // R
  EXPECT_FLOAT_EQ(t[1][0][0].item<float>(), 20.0f / 255.0f);
  EXPECT_FLOAT_EQ(t[2][0][0].item<float>(), 10.0f / 255.0f);
  EXPECT_FLOAT_EQ(t[0][1][2].item<float>(), 0.0f);
  const at::Tensor b = boxes_to_tensor({{0, 10, 50, 20}}, 100, 40);
  ASSERT_EQ(b.sizes(), (at::IntArrayRef{1, 4}));
  EXPECT_TRUE(at::allclose(b, at::tensor({0.0f, 0.25f, 0.5f, 0.5f}).view({1, 4})));
  EXPECT_EQ(boxes_to_tensor({}, 10, 10).sizes(), (at::IntArrayRef{0, 4}));
}

TEST_F(LoaderTest, SameBatchesForAnyWorkerCount) {
  DetectionLoader l0(dataset_, train_options(0)), l1(dataset_, train_options(1)), l2(dataset_, train_options(2));
  const std::vector<Batch> b0 = epoch(l0), b1 = epoch(l1), b2 = epoch(l2);
  ASSERT_EQ(b1.size(), 4u);  // 11 images, batches of 3, last one short
  EXPECT_EQ(b1.back().image_ids.size(), 2u);
  expect_same(b0, b1, "0 vs 1 workers");
  expect_same(b1, b2, "1 vs 2 workers");
  for (const Batch& b : b2) {
    EXPECT_EQ(b.images.sizes(), (at::IntArrayRef{static_cast<int64_t>(b.image_ids.size()), 3, 64, 64}));
    EXPECT_GE(b.images.min().item<float>(), 0.0f);
    EXPECT_LE(b.images.max().item<float>(), 1.0f);
    for (size_t j = 0; j < b.boxes.size(); ++j) {
      EXPECT_EQ(b.labels[j].scalar_type(), at::kLong);
      EXPECT_EQ(b.difficult[j].scalar_type(), at::kBool);
      EXPECT_EQ(b.boxes[j].size(0), b.labels[j].size(0));
      if (b.boxes[j].size(0) == 0) continue;
      EXPECT_GE(b.boxes[j].min().item<float>(), 0.0f);
      EXPECT_LE(b.boxes[j].max().item<float>(), 1.0f);
    }
  }
  // Another epoch of the same loader, and a second pass over epoch 0.
  l2.reset(0);
  expect_same(b1, epoch(l2), "epoch 0 again");
  EXPECT_FALSE(l2.next().has_value());
}

TEST_F(LoaderTest, EpochReshufflesDeterministically) {
  DetectionLoader loader(dataset_, train_options(2));
  const std::vector<std::string> e0 = ids(epoch(loader));
  loader.reset(1);
  const std::vector<std::string> e1 = ids(epoch(loader));
  EXPECT_NE(e0, e1);
  EXPECT_EQ(std::multiset<std::string>(e0.begin(), e0.end()), std::multiset<std::string>(e1.begin(), e1.end()));
  EXPECT_EQ(std::set<std::string>(e0.begin(), e0.end()).size(), dataset_.images.size());
  // Reset mid-epoch: the rest of the old epoch is dropped.
  loader.reset(0);
  ASSERT_TRUE(loader.next().has_value());
  loader.reset(1);
  EXPECT_EQ(ids(epoch(loader)), e1);

  LoaderOptions plain = train_options(1);
  plain.shuffle = false;
  plain.drop_last = true;
  DetectionLoader ordered(dataset_, plain);
  const std::vector<std::string> in_order = ids(epoch(ordered));
  ASSERT_EQ(in_order.size(), 9u);  // drop_last: 3 full batches
  for (size_t i = 0; i < in_order.size(); ++i) EXPECT_EQ(in_order[i], dataset_.images[i].id);
}

TEST_F(LoaderTest, EvalTransformsMapBack) {
  for (LoaderTransform transform : {LoaderTransform::Resize, LoaderTransform::Letterbox}) {
    LoaderOptions o = train_options(1);
    o.transform = transform;
    o.shuffle = false;
    DetectionLoader loader(dataset_, o);
    for (const Batch& b : epoch(loader)) {
      for (size_t j = 0; j < b.image_ids.size(); ++j) {
        const ImageRecord& r = dataset_.images[b.indices[j]];
        EXPECT_EQ(b.original_sizes[j], std::make_pair(r.width, r.height));
        ASSERT_EQ(b.boxes[j].size(0), static_cast<int64_t>(r.objects.size()));
        for (size_t k = 0; k < r.objects.size(); ++k) {
          const at::Tensor n = b.boxes[j][k];
          const BoxF back = map_normalized_box_to_original(
              {n[0].item<float>(), n[1].item<float>(), n[2].item<float>(), n[3].item<float>()}, b.geometries[j]);
          const BoxF want = from_voc_box(r.objects[k].box);
          for (int c = 0; c < 4; ++c) EXPECT_NEAR(back[c], want[c], 1e-3) << r.id << " object " << k;
          EXPECT_EQ(b.labels[j][k].item<int64_t>(), r.objects[k].label);
        }
      }
    }
  }
}

TEST_F(LoaderTest, BadImageErrorNamesFile) {
  Dataset broken = dataset_;
  const std::string bad = (dir_ / "broken_image.jpg").string();
  { std::ofstream(bad) << "this is not a JPEG"; }
  broken.images[4].image_path = bad;
  broken.images[8].image_path = (dir_ / "missing_image.jpg").string();
  for (int workers : {0, 2}) {
    LoaderOptions o = train_options(workers);
    o.shuffle = false;
    DetectionLoader loader(broken, o);
    ASSERT_TRUE(loader.next().has_value());  // images 0-2
    try {
      loader.next();  // images 3-5
      FAIL() << "no error for " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("broken_image.jpg"), std::string::npos) << e.what();
    }
    try {
      loader.next();  // images 6-8
      FAIL() << "no error for the missing file";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("missing_image.jpg"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(loader.next().has_value());  // images 9-10: the loader goes on
    EXPECT_FALSE(loader.next().has_value());
  }
}

TEST_F(LoaderTest, DestroyMidEpochDoesNotHang) {
  LoaderOptions o = train_options(2);
  o.size = 300;
  o.batch_size = 2;
  o.prefetch = 4;
  Dataset bigger = dataset_;
  for (int i = 0; i < 5; ++i) bigger.images.insert(bigger.images.end(), dataset_.images.begin(), dataset_.images.end());
  std::promise<double> done;
  std::future<double> finished = done.get_future();
  std::thread t([&] {
    auto loader = std::make_unique<DetectionLoader>(bigger, o);
    loader->next();
    const auto start = std::chrono::steady_clock::now();
    loader.reset();
    done.set_value(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  });
  if (finished.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    std::fprintf(stderr, "DetectionLoader destructor hung mid-epoch\n");
    std::abort();  // a hung thread cannot be joined; fail loudly
  }
  t.join();
  EXPECT_LT(finished.get(), 2.0);
  // Never consumed at all, and destroyed right after construction.
  { DetectionLoader idle(bigger, o); }
}

TEST_F(LoaderTest, RejectsBadOptions) {
  LoaderOptions o = train_options(1);
  o.batch_size = 0;
  EXPECT_THROW(DetectionLoader(dataset_, o), Error);
  EXPECT_THROW(DetectionLoader(Dataset{}, train_options(1)), Error);
}

}  // namespace
}  // namespace whittle
