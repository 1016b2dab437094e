// Core headers first: Qt's `slots` macro must not reach LibTorch's.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "data/loader.h"
#include "data/voc_reader.h"
#include "eval/eval_report.h"
#include "eval/evaluate_detector.h"
#include "eval/voc_ap.h"
#include "graph/error.h"
#include "io/onnx_export.h"
#include "io/onnx_int8.h"
#include "jobs/progress.h"
#include "models/detector.h"
#include "prune/importance.h"
#include "prune/sensitivity.h"
#include "quant/calibrate.h"
#include "quant/observer.h"
#include "runtime/threading.h"
#include "train/optimizer.h"
#include "train/qat.h"
#include "train/schedule.h"
#include "train/trainer.h"
#include "workflow/benchmark_detector.h"
#include "workflow/detector_file.h"
#include "workflow/finetune_detector.h"
#include "workflow/importance_data.h"
#include "workflow/quantize_detector.h"

#include "ui/job_runner.h"
#include "ui/workbench_jobs.h"

#include <QCoreApplication>

namespace whittle::ui {

namespace {

// tr() for the jobs' messages (made on worker threads; translate is thread-safe).
class WorkbenchJobs {
  Q_DECLARE_TR_FUNCTIONS(WorkbenchJobs)
};

namespace fs = std::filesystem;

std::string str(const QString& s) { return s.toStdString(); }

// The job's model: the snapshot (a further deep copy when the job changes
// it: one snapshot may feed several jobs), or the file, loaded here.
Detector load_model(const ModelInput& input, bool will_modify, Progress& progress) {
  if (input.snapshot) {
    Detector d = *input.snapshot;
    if (will_modify) d.graph = input.snapshot->graph.clone();
    return d;
  }
  if (input.file.isEmpty()) throw Error(str(WorkbenchJobs::tr("no model given: open or choose a model first")));
  progress.report(-1, str(WorkbenchJobs::tr("loading %1").arg(input.file)));
  Detector d = load_detector_file(str(input.file));
  progress.check_cancelled();
  return d;
}

void require_head(const Detector& d) {
  if (!d.head) throw Error(str(WorkbenchJobs::tr("the model is not a detector (it has no detection head)")));
}

Dataset read_set(const QString& root, const QString& set, const std::vector<std::string>& classes) {
  if (root.isEmpty()) throw Error(str(WorkbenchJobs::tr("no data set given: choose a VOC data set folder")));
  VocReadOptions read;
  read.sets = {str(set)};
  read.classes = classes;
  Dataset data = read_voc(str(root), read);
  if (data.images.empty())
    throw Error(str(WorkbenchJobs::tr("the data set %1 (set %2) has no images").arg(root, set)));
  return data;
}

// Read with its own classes, then relabelled to the model's where they cover
// every object (as the CLI's eval and quantize do).
Dataset read_set_for(const QString& root, const QString& set, const Detector& d) {
  if (root.isEmpty()) throw Error(str(WorkbenchJobs::tr("no data set given: choose a VOC data set folder")));
  Dataset data = whittle::read_set_for(str(root), str(set), d);
  if (data.images.empty())
    throw Error(str(WorkbenchJobs::tr("the data set %1 (set %2) has no images").arg(root, set)));
  return data;
}

// The output's folder, made just before writing (never for a job that stops early).
void make_parent(const std::string& path) {
  const fs::path folder = fs::path(path).parent_path();
  std::error_code ec;
  if (!folder.empty()) fs::create_directories(folder, ec);
}

JobProgress* live(Progress& progress) { return dynamic_cast<JobProgress*>(&progress); }

void set_summary(Progress& progress, const QString& text) {
  if (JobProgress* jp = live(progress)) jp->setSummary(str(text));
}

// Live curves of a training run.
void add_curve_hooks(TrainOptions& t, Progress& progress) {
  JobProgress* jp = live(progress);
  if (jp == nullptr) return;
  t.on_step = [jp](int64_t step, double loss) { jp->metric("loss", static_cast<double>(step), loss); };
  t.on_epoch = [jp](const EpochRecord& r) {
    if (std::isfinite(r.val_map)) jp->metric("mAP", r.epoch, r.val_map);
    jp->metric("epoch loss", r.epoch, r.loss);
  };
}

QString map_text(double m) { return std::isfinite(m) ? QString::number(m, 'f', 4) : QStringLiteral("-"); }

std::vector<std::string> split_names(const QString& text) {
  std::vector<std::string> names;
  for (const QString& part : text.split(QLatin1Char(','), Qt::KeepEmptyParts)) {
    const QString name = part.trimmed();
    if (name.isEmpty()) throw Error(str(WorkbenchJobs::tr("the layer list '%1' has an empty name").arg(text)));
    names.push_back(str(name));
  }
  return names;
}


}  // namespace

std::shared_ptr<const Detector> snapshotDetector(const Detector& live_model) {
  auto copy = std::make_shared<Detector>(live_model);
  copy->graph = live_model.graph.clone();
  return copy;
}

// ---- fine-tune -----------------------------------------------------------------

JobWork fineTuneJob(const FineTuneJobOptions& options, std::shared_ptr<FineTuneJobResult> result) {
  return [o = options, result](Progress& progress) {
    if (o.output.isEmpty()) throw Error(str(WorkbenchJobs::tr("fine-tune: choose the file for the fine-tuned model")));
    if (o.epochs < 1) throw Error(str(WorkbenchJobs::tr("fine-tune: epochs must be at least 1")));
    Detector d = load_model(o.model, /*will_modify=*/true, progress);
    require_head(d);
    if (d.int8)
      throw Error(str(WorkbenchJobs::tr("fine-tune needs an fp32 model; this one is int8 (fine-tune first, "
                                        "then quantize, or use quantization-aware training)")));
    TrainOptions t;
    t.epochs = o.epochs;
    t.batch_size = o.batchSize;
    t.lr = o.lr;
    t.optimizer = parse_optimizer_kind(str(o.optimizer));
    t.schedule = parse_schedule_kind(str(o.schedule));
    t.weight_decay = o.weightDecay;
    t.val_every = o.valEvery;
    t.val_metric = parse_ap_metric(str(o.metric));
    t.augment = o.augment;
    t.workers = o.workers;
    t.seed = o.seed;
    t.threads = current_threads();  // the runner's choice for this worker
    // No per-epoch checkpoint: the output is written once, at the end, so a
    // cancelled run leaves no half-trained file behind.
    t.checkpoint.clear();
    add_curve_hooks(t, progress);

    progress.report(-1, str(WorkbenchJobs::tr("reading %1").arg(o.data)));
    Dataset train = read_set(o.data, o.trainSet, d.classes);
    if (o.maxImages > 0 && train.images.size() > static_cast<size_t>(o.maxImages))
      train.images.resize(static_cast<size_t>(o.maxImages));
    std::optional<Dataset> val;
    if (o.valEvery > 0 && !o.valSet.isEmpty()) val = read_set(o.data, o.valSet, d.classes);
    progress.log(str(WorkbenchJobs::tr("%1 training images, %2 validation images; %3 epochs, batch %4, lr %5")
                         .arg(train.images.size())
                         .arg(val ? val->images.size() : 0)
                         .arg(o.epochs)
                         .arg(o.batchSize)
                         .arg(o.lr)));
    progress.check_cancelled();

    const TrainResult r = train_detector(d, train, val ? &*val : nullptr, t, progress);
    progress.check_cancelled();

    const std::string out = str(o.output);
    store_detector_metadata(d);
    d.graph.metadata.erase(kQatSpecKey);
    make_parent(out);
    save_onnx(d.graph, out);  // atomic
    progress.log(str(WorkbenchJobs::tr("wrote %1").arg(o.output)));

    const double last_loss = r.curve.empty() ? std::numeric_limits<double>::quiet_NaN() : r.curve.back().loss;
    set_summary(progress, r.best_epoch > 0
                              ? WorkbenchJobs::tr("best val mAP %1 at epoch %2; wrote %3")
                                    .arg(map_text(r.best_map))
                                    .arg(r.best_epoch)
                                    .arg(o.output)
                              : WorkbenchJobs::tr("loss %1 after %2 epochs; wrote %3")
                                    .arg(map_text(last_loss))
                                    .arg(r.epochs_done)
                                    .arg(o.output));
    if (result) {
      result->output = o.output;
      result->epochs = r.epochs_done;
      result->steps = r.global_step;
      result->epochLoss.clear();
      result->epochMap.clear();
      for (const EpochRecord& e : r.curve) {
        result->epochLoss.append(e.loss);
        result->epochMap.append(e.val_map);
      }
      result->bestMap = r.best_map;
      result->bestEpoch = r.best_epoch;
      result->seconds = r.seconds;
    }
  };
}

// ---- sensitivity ---------------------------------------------------------------

JobWork sensitivityJob(const SensitivityJobOptions& options, std::shared_ptr<SensitivityJobResult> result) {
  return [o = options, result](Progress& progress) {
    if (o.batch < 1) throw Error(str(WorkbenchJobs::tr("sensitivity: the batch must be at least 1")));
    SensitivityOptions so;
    so.ratios.assign(o.ratios.begin(), o.ratios.end());
    for (const QString& g : o.groups) so.groups.push_back(str(g));
    so.images = o.images;
    so.importance.criterion = parse_criterion(str(o.criterion));
    so.importance.aggregation = parse_aggregation(str(o.aggregate));
    so.planner.round_to = o.round;
    so.metric = parse_ap_metric(str(o.metric));
    so.eval.batch_size = o.batch;
    so.eval.workers = o.workers;

    const Detector d = load_model(o.model, /*will_modify=*/false, progress);
    require_head(d);
    progress.report(-1, str(WorkbenchJobs::tr("reading %1").arg(o.data.root)));
    const Dataset data = read_set(o.data.root, o.data.set, d.classes);
    std::optional<ImportanceData> scoring;
    const bool needs_data = criterion_needs_data(so.importance.criterion);
    if (needs_data) {
      SubProgress part(progress, 0.0, 0.1, "importance data: ");
      ImportanceDataOptions io;
      io.root = str(o.data.root);
      io.set = str(o.scoreSet);
      io.images = o.scoreImages;
      io.batch = o.batch;
      io.workers = o.workers;
      scoring = read_importance_data(d.graph, &d, io, "sensitivity", part);
    }
    SubProgress scan(progress, needs_data ? 0.1 : 0.0, 1.0);
    const SensitivityResult r = analyze_sensitivity(d, data, so, scan, scoring ? &*scoring : nullptr);
    progress.check_cancelled();
    if (!o.output.isEmpty()) {
      const std::string out = str(o.output);
      make_parent(out);
      save_sensitivity(r, out);  // atomic
      progress.log(str(WorkbenchJobs::tr("wrote %1").arg(o.output)));
    }
    set_summary(progress, WorkbenchJobs::tr("baseline mAP %1; %2 groups scanned on %3 images")
                              .arg(map_text(r.baseline))
                              .arg(r.groups.size())
                              .arg(r.images));
    if (result) {
      result->json = QString::fromStdString(sensitivity_to_json(r));
      result->baseline = r.baseline;
      result->groups = static_cast<int>(r.groups.size());
      result->images = r.images;
      result->seconds = r.seconds;
    }
  };
}

// ---- quantize ------------------------------------------------------------------

JobWork quantizeJob(const QuantizeJobOptions& options, std::shared_ptr<QuantizeJobResult> result) {
  return [o = options, result](Progress& progress) {
    if (o.output.isEmpty()) throw Error(str(WorkbenchJobs::tr("quantize: choose the file for the int8 model")));
    if (o.calibrationImages < 1) throw Error(str(WorkbenchJobs::tr("quantize: calibrate on at least 1 image")));
    QuantizeDetectorOptions q;
    q.observer = parse_observer_kind(str(o.observer));
    q.calibration_images = o.calibrationImages;
    q.batch_size = o.batch;
    q.workers = o.workers;
    q.metric = parse_ap_metric(str(o.metric));
    q.max_map_loss = o.maxLossPoints / 100.0;
    if (o.keep == QLatin1String("none") || o.keep.isEmpty()) {
      q.keep = KeepFp32::None;
    } else if (o.keep == QLatin1String("auto")) {
      q.keep = KeepFp32::Auto;
      if (o.valSet.isEmpty())
        throw Error(str(WorkbenchJobs::tr("quantize: keeping layers in fp32 automatically needs a validation set")));
    } else {
      q.keep = KeepFp32::List;
      q.keep_nodes = split_names(o.keep);
    }
    q.qat.epochs = o.qatEpochs;
    q.qat.lr = o.qatLr;
    q.qat.batch_size = o.qatBatch;
    q.qat.workers = o.workers;
    q.qat.threads = current_threads();
    add_curve_hooks(q.qat, progress);

    const Detector fp32 = load_model(o.model, /*will_modify=*/false, progress);
    require_head(fp32);
    progress.report(-1, str(WorkbenchJobs::tr("reading %1").arg(o.data)));
    const Dataset calib = read_set_for(o.data, o.calibrationSet, fp32);
    std::optional<Dataset> val;
    if (!o.valSet.isEmpty()) val = read_set_for(o.data, o.valSet, fp32);
    progress.check_cancelled();

    const QuantizeDetectorResult r = quantize_detector(fp32, calib, val ? &*val : nullptr, q, progress);
    progress.check_cancelled();
    Detector int8 = r.int8;
    store_detector_metadata(int8);
    const std::string out = str(o.output);
    make_parent(out);
    save_qdq_onnx(QuantizedGraph{int8.graph, *int8.int8}, out);  // atomic
    progress.log(str(WorkbenchJobs::tr("wrote %1").arg(o.output)));

    const double nan = std::numeric_limits<double>::quiet_NaN();
    set_summary(progress, r.int8_map ? WorkbenchJobs::tr("int8 mAP %1 (fp32 %2); wrote %3")
                                           .arg(map_text(*r.int8_map))
                                           .arg(map_text(r.fp32_map.value_or(nan)))
                                           .arg(o.output)
                                     : WorkbenchJobs::tr("calibrated on %1 images; wrote %2")
                                           .arg(r.calibration_images)
                                           .arg(o.output));
    if (result) {
      result->output = o.output;
      result->fp32Map = r.fp32_map.value_or(nan);
      result->int8Map = r.int8_map.value_or(nan);
      result->ptqMap = r.ptq_map.value_or(nan);
      result->keptFp32.clear();
      for (const std::string& k : r.kept_fp32) result->keptFp32.append(QString::fromStdString(k));
      result->calibrationImages = r.calibration_images;
      result->calibrationSeconds = r.calibration_seconds;
    }
  };
}

// ---- evaluate ------------------------------------------------------------------

JobWork evaluateJob(const EvaluateJobOptions& options, std::shared_ptr<EvaluateJobResult> result) {
  return [o = options, result](Progress& progress) {
    if (o.batch < 1) throw Error(str(WorkbenchJobs::tr("evaluate: the batch must be at least 1")));
    const ApMetric metric = parse_ap_metric(str(o.metric));
    const Detector d = load_model(o.model, /*will_modify=*/false, progress);
    require_head(d);
    progress.report(-1, str(WorkbenchJobs::tr("reading %1").arg(o.data.root)));
    const Dataset data = read_set_for(o.data.root, o.data.set, d);
    EvalOptions eo;
    eo.batch_size = o.batch;
    eo.workers = o.workers;
    eo.nms.score_threshold = static_cast<float>(o.scoreThreshold);
    const EvalResult r = evaluate_detector(d, data, metric, eo, progress);
    progress.check_cancelled();
    if (!o.reportFile.isEmpty()) save_eval_report(eval_report(r), str(o.reportFile));
    set_summary(progress, WorkbenchJobs::tr("mAP %1 (%2) on %3 images, %4 ms/image")
                              .arg(map_text(r.map.map), QString::fromStdString(ap_metric_name(metric)))
                              .arg(r.images)
                              .arg(r.ms_per_image, 0, 'f', 2));
    if (result) {
      result->map = r.map.map;
      result->classes.clear();
      result->ap.clear();
      for (const ClassAp& c : r.map.classes) {
        result->classes.append(QString::fromStdString(c.name));
        result->ap.append(c.ap);
      }
      result->images = r.images;
      result->detections = static_cast<int>(r.detections.size());
      result->msPerImage = r.ms_per_image;
      result->seconds = r.seconds;
    }
  };
}

// ---- benchmark -----------------------------------------------------------------

JobWork benchmarkJob(const BenchmarkJobOptions& options, std::shared_ptr<BenchmarkJobResult> result) {
  return [o = options, result](Progress& progress) {
    if (o.runs < 1) throw Error(str(WorkbenchJobs::tr("benchmark: at least 1 timed run")));
    if (o.warmup < 0) throw Error(str(WorkbenchJobs::tr("benchmark: warm-up runs must be >= 0")));
    if (o.imageWidth < 1 || o.imageHeight < 1)
      throw Error(str(WorkbenchJobs::tr("benchmark: the image size must be at least 1x1")));
    const Detector loaded = load_model(o.model, /*will_modify=*/false, progress);
    require_head(loaded);
    if (loaded.graph.inputs.size() != 1) throw Error(str(WorkbenchJobs::tr("benchmark: the model must have one input")));

    // The whole detect path, as `whittle-cli bench` times it (workflow/benchmark_detector.h).
    const cv::Mat image = benchmark_image(cv::Size(o.imageWidth, o.imageHeight));
    if (o.int8 && !loaded.int8)
      progress.report(-1, str(WorkbenchJobs::tr("calibrating an int8 version on the bench image")));
    BenchmarkOptions bo;
    bo.runs = o.runs;
    bo.warmup = o.warmup;
    const std::vector<DetectTiming> timings = benchmark_detector(loaded, image, o.int8, bo, progress);
    const DetectTiming& t32 = timings.front();
    const DetectTiming* t8 = timings.size() > 1 ? &timings.back() : nullptr;

    QString text = WorkbenchJobs::tr("fp32 %1 ms/image").arg(t32.total.median, 0, 'f', 2);
    if (t8)
      text += WorkbenchJobs::tr(", int8 %1 ms/image (%2x)")
                  .arg(t8->total.median, 0, 'f', 2)
                  .arg(t32.total.median / std::max(t8->total.median, 1e-9), 0, 'f', 2);
    text += WorkbenchJobs::tr(", %n thread(s)", nullptr, current_threads());
    progress.log(str(text));
    set_summary(progress, text);
    if (result) {
      result->fp32Ms = t32.total.median;
      result->fp32NetworkMs = t32.net.median;
      if (t8) {
        result->int8Ms = t8->total.median;
        result->int8NetworkMs = t8->net.median;
      }
      result->threads = current_threads();
    }
  };
}

}  // namespace whittle::ui
