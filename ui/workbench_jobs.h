#pragma once
// The workbench's background jobs, as work for a JobRunner: fine-tune,
// sensitivity scan, quantization (calibration, optional QAT), evaluation and
// benchmark. Each factory takes plain options and returns the work; the work
// runs on a worker thread, reports progress and polls cancellation, and
// fills the caller's result object before it returns (read it after
// JobRunner::finished(id, Succeeded): the runner joins the worker before
// that signal, so the read is safe).
//
// Models: a job works on a snapshot fixed when it is made (ModelInput): a
// deep copy of a detector in memory (snapshotDetector: new tensors, nothing
// shared with the GUI's live object) or a model file, read by the job.
// Files: outputs are written once, at the end, atomically (temp file +
// rename; their folder made first); a job that is cancelled or fails leaves
// every existing file as it was and writes none.
//
// Factories never throw: bad options come back as the job's error message.
// Option texts take the CLI's spellings (metric "voc07", criterion "l1",
// observer "minmax", ...).
#include <QString>
#include <QStringList>
#include <QVector>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>

namespace whittle {
class Progress;
struct Detector;
}  // namespace whittle

namespace whittle::ui {

using JobWork = std::function<void(whittle::Progress&)>;

// A deep copy of `live` (Graph::clone: its own tensors), safe to hand to a
// worker while the GUI goes on using `live`.
std::shared_ptr<const whittle::Detector> snapshotDetector(const whittle::Detector& live);

struct ModelInput {
  std::shared_ptr<const whittle::Detector> snapshot;  // used when set
  QString file;                                       // else this .onnx, loaded by the job
};

struct DataInput {
  QString root;  // VOC data set folder or VOCdevkit
  QString set;   // ImageSets/Main/<set>.txt
};

// ---- fine-tune -------------------------------------------------------------

struct FineTuneJobOptions {
  ModelInput model;  // an fp32 detector
  QString data;
  QString trainSet = QStringLiteral("trainval");
  QString valSet = QStringLiteral("test");  // "": no validation
  QString output;                           // the fine-tuned model (.onnx), required
  int epochs = 10;
  int batchSize = 8;
  double lr = 1e-3;
  QString optimizer = QStringLiteral("sgd");  // sgd, adam, adamw
  QString schedule = QStringLiteral("constant");  // constant, cosine
  double weightDecay = 5e-4;
  int valEvery = 1;  // 0: never
  QString metric = QStringLiteral("voc07");
  bool augment = true;
  int workers = 2;  // loader threads
  uint64_t seed = 0;
  int maxImages = 0;  // train on the set's first N images; 0: all (quick trials)
};

struct FineTuneJobResult {
  QString output;
  int epochs = 0;
  int64_t steps = 0;
  QVector<double> epochLoss;                                  // mean training loss per epoch
  QVector<double> epochMap;                                   // val mAP per epoch (NaN: not validated)
  double bestMap = std::numeric_limits<double>::quiet_NaN();  // NaN: never validated
  int bestEpoch = 0;
  double seconds = 0;
};

// Trains a copy of the model (metrics "loss" per step, "mAP" per validated
// epoch) and writes it to options.output after the last epoch.
JobWork fineTuneJob(const FineTuneJobOptions& options, std::shared_ptr<FineTuneJobResult> result = nullptr);

// ---- sensitivity -------------------------------------------------------------

struct SensitivityJobOptions {
  ModelInput model;
  DataInput data{QString(), QStringLiteral("val")};
  QVector<double> ratios = {0.1, 0.3, 0.5, 0.7, 0.9};
  int images = 100;  // the set's first N; 0: all
  QString criterion = QStringLiteral("l1");  // l1, l2, bn, fpgm, taylor, apoz, random
  QString aggregate = QStringLiteral("sum");
  QString scoreSet = QStringLiteral("train");  // taylor/apoz score channels on this set
  int scoreImages = 64;
  QStringList groups;  // empty: every prunable group
  int64_t round = 1;
  int batch = 8;
  int workers = 2;
  QString metric = QStringLiteral("voc07");
  QString output;  // the scan (JSON, as `whittle-cli sensitivity --out`); "": not saved
};

struct SensitivityJobResult {
  QString json;  // the scan as sensitivity_to_json writes it (prune/sensitivity.h)
  double baseline = 0;
  int groups = 0;
  int images = 0;
  double seconds = 0;
};

JobWork sensitivityJob(const SensitivityJobOptions& options, std::shared_ptr<SensitivityJobResult> result = nullptr);

// ---- quantize -----------------------------------------------------------------

struct QuantizeJobOptions {
  ModelInput model;  // an fp32 detector
  QString data;
  QString calibrationSet = QStringLiteral("train");
  QString valSet = QStringLiteral("test");  // "": no mAP
  int calibrationImages = 200;
  QString observer = QStringLiteral("minmax");  // minmax, ema, percentile, entropy, mse
  QString keep = QStringLiteral("none");        // none, auto, or comma-separated layer names
  double maxLossPoints = 1.0;                   // auto: mAP points the int8 model may lose
  int qatEpochs = 0;                            // quantization-aware training after calibration
  double qatLr = 1e-4;
  int qatBatch = 16;
  int batch = 8;
  int workers = 2;
  QString metric = QStringLiteral("voc07");
  QString output;  // the int8 model (QDQ ONNX), required
};

struct QuantizeJobResult {
  QString output;
  double fp32Map = std::numeric_limits<double>::quiet_NaN();  // NaN: no validation set
  double int8Map = std::numeric_limits<double>::quiet_NaN();
  double ptqMap = std::numeric_limits<double>::quiet_NaN();  // with QAT: before it
  QStringList keptFp32;
  int calibrationImages = 0;
  double calibrationSeconds = 0;
};

// With QAT, metrics "loss" per step and "mAP" per validated epoch.
JobWork quantizeJob(const QuantizeJobOptions& options, std::shared_ptr<QuantizeJobResult> result = nullptr);

// ---- evaluate -------------------------------------------------------------------

struct EvaluateJobOptions {
  ModelInput model;  // fp32 or int8
  DataInput data{QString(), QStringLiteral("test")};
  QString metric = QStringLiteral("voc07");  // voc07, voc12, coco
  int batch = 8;
  int workers = 2;
  double scoreThreshold = 0.01;
  QString reportFile;  // the evaluation with its PR curves (eval/eval_report.h) goes here; "": not saved
};

struct EvaluateJobResult {
  double map = std::numeric_limits<double>::quiet_NaN();  // NaN: no class has ground truth
  QStringList classes;
  QVector<double> ap;  // per class (NaN: no ground truth)
  int images = 0;
  int detections = 0;
  double msPerImage = 0;
  double seconds = 0;
};

JobWork evaluateJob(const EvaluateJobOptions& options, std::shared_ptr<EvaluateJobResult> result = nullptr);

// ---- benchmark ------------------------------------------------------------------

struct BenchmarkJobOptions {
  ModelInput model;
  int runs = 50;
  int warmup = 5;
  int imageWidth = 640, imageHeight = 480;  // a synthetic image, as `whittle-cli bench`
  // An fp32 model: also time an int8 version calibrated on the bench image (a
  // speed figure only). An int8 model is always timed with its fp32 twin.
  bool int8 = false;
};

struct BenchmarkJobResult {
  double fp32Ms = std::numeric_limits<double>::quiet_NaN();  // median ms/image, whole detect path
  double int8Ms = std::numeric_limits<double>::quiet_NaN();  // NaN: not timed
  double fp32NetworkMs = std::numeric_limits<double>::quiet_NaN();
  double int8NetworkMs = std::numeric_limits<double>::quiet_NaN();
  int threads = 0;
};

JobWork benchmarkJob(const BenchmarkJobOptions& options, std::shared_ptr<BenchmarkJobResult> result = nullptr);

}  // namespace whittle::ui
