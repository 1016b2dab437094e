// Quantization-aware training on the tiny fake detector: the fake-quant loss
// falls (and the real int8 loss with it), gradients reach every conv and
// linear weight, the result runs in Int8Runner within a quantization step of
// FakeQuantRunner, checkpoint + resume equals straight QAT, and bad input
// (an unfolded graph, a spec without a value, a checkpoint of another spec)
// is refused with an error that names the problem.
#include "train/qat.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "error_of.h"
#include "eval/evaluate_detector.h"
#include "int8_exact.h"
#include "io/atomic_file.h"
#include "io/onnx_import.h"
#include "quant/calibrate.h"
#include "quant/calibration_table.h"
#include "quant/fake_quant.h"
#include "quant/int8_runner.h"
#include "runtime/runner.h"
#include "train/fake_detector.h"

namespace whittle {
namespace {

using namespace whittle::testing;
using test::error_of;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The data set as the trainer sees it without augmentation (plain resize,
// in order), normalised, with its targets.
struct Batches {
  std::vector<at::Tensor> inputs;
  std::vector<std::vector<Target>> targets;
};

Batches load_batches(const Detector& d, const Dataset& data) {
  EvalOptions eo;
  eo.batch_size = 4;
  eo.workers = 0;
  DetectionLoader loader(data, eval_loader_options(d, eo));
  Batches out;
  while (std::optional<Batch> b = loader.next()) {
    out.inputs.push_back(normalize_images(b->images, d.preprocess));
    std::vector<Target> t(b->boxes.size());
    for (size_t i = 0; i < t.size(); ++i) t[i] = {b->boxes[i], b->labels[i]};
    out.targets.push_back(t);
  }
  return out;
}

// Mean head loss over the batches with `executor` running the graph.
double mean_loss(GraphExecutor& executor, const Head& head, const Batches& batches) {
  at::NoGradGuard no_grad;
  double sum = 0;
  for (size_t i = 0; i < batches.inputs.size(); ++i) {
    TensorMap raw = executor.run({{"images", batches.inputs[i]}});
    sum += head.loss(raw, batches.targets[i]).total.item<double>();
  }
  return sum / static_cast<double>(batches.inputs.size());
}

// The BN-folded fake detector and its min/max calibration on the data set.
struct Calibrated {
  Detector folded;
  QuantSpec spec;
};

// With pretrain_epochs > 0 the detector is first trained in fp32 (Adam,
// no augmentation), as QAT starts from a trained model: calibrated on an
// untrained one, the output's range is too narrow for the targets.
Calibrated calibrated_detector(uint64_t seed, const Dataset& data, int pretrain_epochs = 0) {
  Detector d = regression_detector(seed);
  if (pretrain_epochs > 0) {
    TrainOptions o;
    o.epochs = pretrain_epochs;
    o.batch_size = 3;
    o.lr = 0.01;
    o.optimizer = OptimizerKind::Adam;
    o.weight_decay = 0;
    o.augment = false;
    o.seed = 7;
    o.workers = 1;
    o.threads = 2;
    o.val_every = 0;
    NullProgress quiet;
    train_detector(d, data, nullptr, o, quiet);
  }
  QuantizedGraph q = prepare_for_int8(d.graph);
  NullProgress quiet;
  q.spec = calibrate(q.graph, calibration_batches(load_batches(d, data).inputs),
                     ObserverKind::MinMax, {}, quiet);
  return {Detector{q.graph, d.head, d.classes, d.preprocess}, q.spec};
}

void expect_same_weights(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  for (size_t i = 0; i < a.nodes.size(); ++i)
    for (const auto& [key, t] : a.nodes[i].weights)
      EXPECT_TRUE(at::equal(t, b.nodes[i].weight(key))) << a.nodes[i].name << "." << key;
}

class QatTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = temp_dir("qat");
    data_ = write_dataset(dir_ / "images", 8);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static TrainOptions options(int epochs) {
    TrainOptions o;
    o.epochs = epochs;
    o.batch_size = 3;  // 8 images -> 2 full batches per epoch
    o.lr = 0.01;
    o.optimizer = OptimizerKind::Adam;
    o.weight_decay = 0;
    o.augment = false;
    o.seed = 11;
    o.workers = 1;
    o.threads = 2;
    o.val_every = 0;
    return o;
  }

  static std::string path(const std::string& name) { return (dir_ / name).string(); }

  static inline fs::path dir_;
  static inline Dataset data_;
};

TEST_F(QatTest, LossFallsAndTheInt8ModelFollows) {
  const Calibrated c = calibrated_detector(5, data_, 20);
  const Graph before = c.folded.graph.clone();
  const Batches batches = load_batches(c.folded, data_);
  const QuantizedGraph ptq{c.folded.graph, c.spec};
  FakeQuantRunner fake_before(ptq);
  Int8Runner int8_before(ptq);
  const double fake_loss_before = mean_loss(fake_before, *c.folded.head, batches);
  const double int8_loss_before = mean_loss(int8_before, *c.folded.head, batches);

  TrainOptions o = options(20);
  o.val_every = 10;
  RecordingProgress progress;
  const QatResult r = quantization_aware_finetune(c.folded, c.spec, data_, &data_, o, progress);

  ASSERT_EQ(r.train.curve.size(), 20u);
  // Measured: about 0.0017 -> 0.0003 (epoch means), 0.0019 -> 0.0002 over the set.
  EXPECT_LT(r.train.curve.back().loss, 0.5 * r.train.curve.front().loss)
      << "first " << r.train.curve.front().loss << " last " << r.train.curve.back().loss;
  FakeQuantRunner fake_after(r.model);
  Int8Runner int8_after(r.model);
  const double fake_loss_after = mean_loss(fake_after, *c.folded.head, batches);
  const double int8_loss_after = mean_loss(int8_after, *c.folded.head, batches);
  EXPECT_LT(fake_loss_after, 0.5 * fake_loss_before) << fake_loss_before << " -> " << fake_loss_after;
  EXPECT_LT(int8_loss_after, 0.5 * int8_loss_before) << int8_loss_before << " -> " << int8_loss_after;

  // The calibrated spec is kept; the caller's model is untouched; the
  // result's graph carries no copy of the spec.
  EXPECT_EQ(calibration_table_text(r.model.spec), calibration_table_text(c.spec));
  expect_same_weights(c.folded.graph, before);
  EXPECT_FALSE(r.model.graph.metadata.count(kQatSpecKey));
  for (const auto& p : named_parameters(r.model.graph)) {
    EXPECT_FALSE(p.tensor.requires_grad()) << p.name;
    EXPECT_FALSE(p.tensor.grad().defined()) << p.name;
  }

  // Validation scored the fake-quant model: the same as evaluating it with
  // the executor overload.
  ASSERT_TRUE(r.train.last_eval.has_value());
  EXPECT_TRUE(std::isfinite(r.train.curve[9].val_map));
  EvalOptions eo = o.val;
  eo.workers = o.workers;
  Detector trained{r.model.graph, c.folded.head, c.folded.classes, c.folded.preprocess};
  const EvalResult again = evaluate_detector(trained, fake_after, data_, o.val_metric, eo, progress);
  EXPECT_EQ(again.map.map, r.train.last_eval->map.map);
}

TEST_F(QatTest, GradientsReachEveryConvAndLinearWeight) {
  const Calibrated c = calibrated_detector(5, data_);
  const Batches batches = load_batches(c.folded, data_);
  Graph g = c.folded.graph.clone();
  for (const auto& p : named_parameters(g)) p.tensor.requires_grad_(true);
  FakeQuantRunner fake(QuantizedGraph{g, c.spec});
  TensorMap raw = fake.run({{"images", batches.inputs[0]}});
  c.folded.head->loss(raw, batches.targets[0]).total.backward();
  int checked = 0;
  for (const auto& n : g.nodes) {
    if (n.op != Op::Conv2d && n.op != Op::Linear) continue;
    for (const char* key : {"weight", "bias"}) {
      const at::Tensor& t = n.weight(key);
      ASSERT_TRUE(t.grad().defined()) << n.name << "." << key;
      EXPECT_GT(t.grad().abs().sum().item<double>(), 0.0) << n.name << "." << key;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6);  // conv1 (BN folded in: has a bias), conv2, box

  // And the trainer's optimizer moves each of them.
  TrainOptions o = options(1);
  NullProgress quiet;
  const QatResult r = quantization_aware_finetune(c.folded, c.spec, data_, nullptr, o, quiet);
  for (const auto& n : r.model.graph.nodes)
    for (const auto& [key, t] : n.weights)
      if (is_parameter(key)) {
        EXPECT_FALSE(at::equal(t, c.folded.graph.node(n.name).weight(key)))
            << n.name << "." << key << " did not change";
      }
}

TEST_F(QatTest, Int8RunnerAgreesWithFakeQuantAfterTraining) {
  const Calibrated c = calibrated_detector(5, data_);
  NullProgress quiet;
  const QatResult r = quantization_aware_finetune(c.folded, c.spec, data_, nullptr, options(5), quiet);
  Int8Runner int8(r.model);
  FakeQuantRunner fake(r.model);
  SCOPED_TRACE(format_node_precisions(int8.node_precisions()));
  EXPECT_EQ(int8.plan().count(Precision::Fp32), 0);
  const ActivationQuant q = *int8.plan().values.at("box");
  for (const at::Tensor& x : load_batches(c.folded, data_).inputs) {
    const at::Tensor a = int8.run({{"images", x}}).at("box");
    const at::Tensor f = fake.run({{"images", x}}).at("box");
    EXPECT_LE((a - f).abs().max().item<double>() / q.scale, 1.0 + 1e-3);
  }
}

TEST_F(QatTest, ResumeEqualsStraightTraining) {
  WHITTLE_SKIP_IF_INT8_SATURATES();
  const Calibrated c = calibrated_detector(5, data_);
  TrainOptions o = options(2);
  o.val_every = 1;
  NullProgress quiet;

  o.checkpoint = path("straight.onnx");
  const QatResult a = quantization_aware_finetune(c.folded, c.spec, data_, &data_, o, quiet);

  o.checkpoint = path("split.onnx");
  o.epochs = 1;
  quantization_aware_finetune(c.folded, c.spec, data_, &data_, o, quiet);
  o.epochs = 2;
  o.resume = true;
  const Calibrated other = calibrated_detector(99, data_);  // weights must come from the file
  const QatResult b = quantization_aware_finetune(other.folded, c.spec, data_, &data_, o, quiet);

  expect_same_weights(a.model.graph, b.model.graph);
  EXPECT_EQ(read_file(path("straight.onnx")), read_file(path("split.onnx")));
  ASSERT_EQ(b.train.curve.size(), 2u);
  EXPECT_EQ(a.train.curve[1].loss, b.train.curve[1].loss);
  EXPECT_EQ(a.train.curve[1].val_map, b.train.curve[1].val_map);
  EXPECT_EQ(a.train.global_step, b.train.global_step);

  // The checkpoint is the trained fp32 folded graph with the spec, enough to
  // rebuild the int8 model.
  const Graph saved = from_onnx_bytes(read_file(path("split.onnx")), "split.onnx");
  const std::optional<QuantSpec> spec = qat_spec_of(saved);
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(calibration_table_text(*spec), calibration_table_text(c.spec));
  expect_same_weights(saved, b.model.graph);
  Int8Runner int8(QuantizedGraph{saved, *spec});
  FakeQuantRunner fake(b.model);
  const at::Tensor x = load_batches(c.folded, data_).inputs.at(0);
  EXPECT_LE((int8.run({{"images", x}}).at("box") - fake.run({{"images", x}}).at("box")).abs().max().item<double>(),
            int8.plan().values.at("box")->scale * (1 + 1e-3));
}

TEST_F(QatTest, ResumeRefusesAnotherSpecOrAPlainRun) {
  const Calibrated c = calibrated_detector(5, data_);
  TrainOptions o = options(1);
  o.checkpoint = path("qat.onnx");
  NullProgress quiet;
  quantization_aware_finetune(c.folded, c.spec, data_, nullptr, o, quiet);
  o.epochs = 2;
  o.resume = true;

  QuantSpec moved = c.spec;
  moved.activations.at("relu2").scale *= 1.5;
  EXPECT_TRUE(contains(error_of([&] { quantization_aware_finetune(c.folded, moved, data_, nullptr, o, quiet); }),
                       "it was trained with another QuantSpec"));

  Detector plain{c.folded.graph.clone(), c.folded.head, c.folded.classes, c.folded.preprocess};
  EXPECT_TRUE(contains(error_of([&] { train_detector(plain, data_, nullptr, o, quiet); }),
                       "it was written by quantization-aware training"));

  // And a plain checkpoint cannot continue as QAT.
  TrainOptions p = options(1);
  p.checkpoint = path("plain.onnx");
  train_detector(plain, data_, nullptr, p, quiet);
  p.epochs = 2;
  p.resume = true;
  EXPECT_TRUE(contains(error_of([&] { quantization_aware_finetune(c.folded, c.spec, data_, nullptr, p, quiet); }),
                       "was not written by quantization-aware training"));
}

TEST_F(QatTest, BadInputIsRefusedByName) {
  const Calibrated c = calibrated_detector(5, data_);
  const Graph before = c.folded.graph.clone();
  NullProgress quiet;

  // The unfolded graph (its BatchNorm still there).
  Detector unfolded = regression_detector(5);
  std::string e = error_of([&] { quantization_aware_finetune(unfolded, c.spec, data_, nullptr, options(1), quiet); });
  EXPECT_EQ(e, "quantization-aware training needs a BatchNorm-folded graph: (BatchNorm conv1.bn) "
               "follows (Conv conv1) and is not folded (train the graph of prepare_for_int8, as calibrated)");
  TrainOptions o = options(1);
  o.qat = c.spec;
  EXPECT_EQ(error_of([&] { train_detector(unfolded, data_, nullptr, o, quiet); }), e);

  // A spec without a value the int8 model quantizes.
  for (const std::string value : {"relu2", "images"}) {
    SCOPED_TRACE(value);
    QuantSpec missing = c.spec;
    missing.activations.erase(value);
    e = error_of([&] { quantization_aware_finetune(c.folded, missing, data_, nullptr, options(1), quiet); });
    EXPECT_EQ(e.rfind("quantization-aware training: ", 0), 0u) << e;
    EXPECT_TRUE(contains(e, "has no activation quantization parameters for '" + value + "'")) << e;
  }
  QuantSpec unknown = c.spec;
  unknown.fp32_nodes.insert("nope");
  e = error_of([&] { quantization_aware_finetune(c.folded, unknown, data_, nullptr, options(1), quiet); });
  EXPECT_TRUE(contains(e, "'nope', which is not a node of the graph")) << e;

  expect_same_weights(c.folded.graph, before);
}

TEST_F(QatTest, ExecutorOverloadMatchesTheFp32Evaluation) {
  Detector d = regression_detector(5);
  EvalOptions eo;
  eo.batch_size = 3;
  eo.workers = 1;
  NullProgress quiet;
  const EvalResult a = evaluate_detector(d, data_, ApMetric::Voc07, eo, quiet);
  Runner runner(d.graph);
  const EvalResult b = evaluate_detector(d, runner, data_, ApMetric::Voc07, eo, quiet);
  EXPECT_EQ(a.map.map, b.map.map);
  ASSERT_EQ(a.detections.size(), b.detections.size());
  for (size_t i = 0; i < a.detections.size(); ++i) {
    EXPECT_EQ(a.detections[i].box.xmin, b.detections[i].box.xmin);
    EXPECT_EQ(a.detections[i].score, b.detections[i].score);
  }
}

}  // namespace
}  // namespace whittle
