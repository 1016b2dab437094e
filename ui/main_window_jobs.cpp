// MainWindow: background jobs (fine-tune, evaluate, quantize, sensitivity,
// benchmark) on the model shown, their results turned into variants and
// metrics of the project, and closing while jobs run.
// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "graph/cost_model.h"
#include "graph/graph.h"
#include "io/onnx_import.h"
#include "io/project_file.h"
#include "prune/channel_groups.h"
#include "prune/latency_table.h"
#include "prune/sensitivity.h"
#include "workflow/detector_file.h"
#include "workflow/importance_data.h"

#include "ui/main_window.h"

#include <QAction>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <cmath>
#include <exception>
#include <memory>

#include "ui/graph_view.h"
#include "ui/importance_scores.h"
#include "ui/job_runner.h"
#include "ui/node_inspector.h"
#include "ui/ratio_editor.h"
#include "ui/training_curves.h"
#include "ui/workbench_jobs.h"

namespace whittle::ui {

namespace {

// Params and MACs of a model file written by a job ("" metrics on failure:
// the job's own figures still count).
void addCostMetrics(const QString& file, QHash<QString, double>& metrics) {
  try {
    const GraphCost cost = compute_cost(load_onnx(file.toStdString()));
    metrics.insert(QStringLiteral("params"), static_cast<double>(cost.params));
    metrics.insert(QStringLiteral("macs"), static_cast<double>(cost.macs));
  } catch (const std::exception&) {
  }
  metrics.insert(QStringLiteral("file_bytes"), static_cast<double>(QFileInfo(file).size()));
}

}  // namespace

void MainWindow::createJobsMenu() {
  QMenu* menu = menuBar()->addMenu(tr("&Jobs"));
  menu->setObjectName(QStringLiteral("jobsMenu"));
  menu->addAction(tr("&Fine-tune…"), this, &MainWindow::askFineTune)
      ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
  menu->addAction(tr("&Evaluate mAP"), this, [this] { startEvaluate(); })
      ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  menu->addAction(tr("&Quantize to int8…"), this, [this] {
    bool ok = false;
    const int images = interactive_ ? QInputDialog::getInt(this, tr("Quantize"),
                                                            tr("Calibration images:"), 200, 8, 5000, 8, &ok)
                                    : 200;
    if (ok || !interactive_) startQuantize(images);
  });
  menu->addAction(tr("&Sensitivity Analysis…"), this, [this] {
    bool ok = false;
    const int images = interactive_ ? QInputDialog::getInt(this, tr("Sensitivity Analysis"),
                                                            tr("Validation images:"), 100, 8, 5000, 8, &ok)
                                    : 100;
    if (ok || !interactive_) startSensitivity(images);
  });
  menu->addAction(tr("&Benchmark"), this, [this] { startBenchmark(50); })
      ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
  menu->addAction(tr("Measure Layer &Latency"), this, [this] { startLatencyTable(); })
      ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
  menu->addSeparator();
  menu->addAction(tr("&Cancel All Jobs"), jobs_, &JobRunner::cancelAll);

  connect(jobs_, &JobRunner::finished, this, [this](int id, JobStatus status, const QString& message) {
    const auto done = jobDone_.take(id);
    if (status == JobStatus::Failed) {
      reportError(tr("Job %1 failed.").arg(jobs_->title(id)), message);
      return;
    }
    if (status == JobStatus::Succeeded && done) done();
    statusBar()->showMessage(tr("%1: %2").arg(jobs_->title(id), message), 8000);
  });
}

bool MainWindow::requireJobInputs(const QString& action) {
  if (!graph_) {
    reportError(tr("%1 needs a model.").arg(action), tr("Open a model or a project first."));
    return false;
  }
  if (!requireProject(action)) return false;
  if (dataSet_.isEmpty()) {
    reportError(tr("%1 needs a data set.").arg(action),
                tr("Choose a VOC data set with File → Open Data Set (Ctrl+D)."));
    return false;
  }
  if (modelPath_.isEmpty()) {
    reportError(tr("%1 needs the model saved as a file.").arg(action), {});
    return false;
  }
  return true;
}

// Metrics measured on the model shown go to its variant (or the project's
// original model) and the project is saved.
void MainWindow::recordMetrics(const QString& variant, const QHash<QString, double>& metrics,
                               const QHash<QString, QString>& reports) {
  if (!project_) return;
  std::map<std::string, double>* target = &project_->metrics;
  std::map<std::string, std::string>* files = &project_->reports;
  for (ProjectVariant& entry : project_->variants) {
    if (QString::fromStdString(entry.name) == variant) {
      target = &entry.metrics;
      files = &entry.reports;
    }
  }
  for (auto it = metrics.constBegin(); it != metrics.constEnd(); ++it) {
    if (std::isfinite(it.value())) (*target)[it.key().toStdString()] = it.value();
  }
  for (auto it = reports.constBegin(); it != reports.constEnd(); ++it) {
    (*files)[it.key().toStdString()] = it.value().toStdString();
  }
  saveProject();
  refreshVariants();
}

void MainWindow::askFineTune() {
  int epochs = 5;
  double lr = 1e-3;
  if (interactive_) {
    bool ok = false;
    epochs = QInputDialog::getInt(this, tr("Fine-tune"), tr("Epochs:"), epochs, 1, 1000, 1, &ok);
    if (!ok) return;
    lr = QInputDialog::getDouble(this, tr("Fine-tune"), tr("Learning rate:"), lr, 1e-6, 1.0, 6, &ok);
    if (!ok) return;
  }
  startFineTune(epochs, lr);
}

int MainWindow::startFineTune(int epochs, double learningRate) {
  if (!requireJobInputs(tr("Fine-tuning"))) return -1;
  const QString name = uniqueVariantName(QStringLiteral("finetuned"));
  FineTuneJobOptions options;
  options.model.file = modelPath_;
  options.data = dataSet_;
  options.output = projectFilePath(name + QStringLiteral(".onnx"));
  options.epochs = epochs;
  options.lr = learningRate;
  options.optimizer = QStringLiteral("adamw");
  options.schedule = QStringLiteral("cosine");
  auto result = std::make_shared<FineTuneJobResult>();
  const int id = jobs_->start(tr("Fine-tune %1 (%n epoch(s))", nullptr, epochs)
                                  .arg(currentVariant_.isEmpty() ? modelTitle_ : currentVariant_),
                              fineTuneJob(options, result));
  trainingCurves_->follow(jobs_, id);
  const QString parent = currentVariant_;
  jobDone_.insert(id, [this, name, parent, result, epochs, learningRate] {
    QHash<QString, double> metrics;
    if (std::isfinite(result->bestMap)) metrics.insert(QStringLiteral("map"), result->bestMap);
    addCostMetrics(result->output, metrics);
    QHash<QString, QString> settings;
    settings.insert(QStringLiteral("epochs"), QString::number(epochs));
    settings.insert(QStringLiteral("lr"), QString::number(learningRate));
    settings.insert(QStringLiteral("optimizer"), QStringLiteral("adamw"));
    addVariant(name, QStringLiteral("finetuned"), parent, result->output, {}, settings, metrics);
  });
  return id;
}

int MainWindow::startEvaluate() {
  if (!requireJobInputs(tr("Evaluation"))) return -1;
  const QString variant = currentVariant_;
  EvaluateJobOptions options;
  options.model.file = modelPath_;
  options.data.root = dataSet_;
  options.reportFile = projectFilePath(
      (variant.isEmpty() ? QFileInfo(modelPath_).completeBaseName() : variant) + QStringLiteral(".eval.json"));
  auto result = std::make_shared<EvaluateJobResult>();
  const int id = jobs_->start(tr("Evaluate %1").arg(variant.isEmpty() ? modelTitle_ : variant),
                              evaluateJob(options, result));
  const QString reportFile = options.reportFile;
  jobDone_.insert(id, [this, variant, result, reportFile] {
    recordMetrics(variant, {{QStringLiteral("map"), result->map}}, {{QStringLiteral("eval"), reportFile}});
  });
  return id;
}

int MainWindow::startQuantize(int calibrationImages) {
  if (!requireJobInputs(tr("Quantization"))) return -1;
  const QString name = uniqueVariantName(QStringLiteral("int8"));
  QuantizeJobOptions options;
  options.model.file = modelPath_;
  options.data = dataSet_;
  options.calibrationImages = calibrationImages;
  options.output = projectFilePath(name + QStringLiteral(".onnx"));
  auto result = std::make_shared<QuantizeJobResult>();
  const int id = jobs_->start(tr("Quantize %1").arg(currentVariant_.isEmpty() ? modelTitle_ : currentVariant_),
                              quantizeJob(options, result));
  const QString parent = currentVariant_;
  jobDone_.insert(id, [this, name, parent, result, calibrationImages] {
    QHash<QString, double> metrics;
    if (std::isfinite(result->int8Map)) metrics.insert(QStringLiteral("map"), result->int8Map);
    metrics.insert(QStringLiteral("file_bytes"), static_cast<double>(QFileInfo(result->output).size()));
    QHash<QString, QString> settings;
    settings.insert(QStringLiteral("calibration_images"), QString::number(calibrationImages));
    settings.insert(QStringLiteral("observer"), QStringLiteral("minmax"));
    addVariant(name, QStringLiteral("quantized"), parent, result->output, {}, settings, metrics);
  });
  return id;
}

int MainWindow::startSensitivity(int images) {
  if (!requireJobInputs(tr("Sensitivity analysis"))) return -1;
  const QString stem = currentVariant_.isEmpty() ? QFileInfo(modelPath_).completeBaseName() : currentVariant_;
  SensitivityJobOptions options;
  options.model.file = modelPath_;
  options.data.root = dataSet_;
  options.images = images;
  options.output = projectFilePath(stem + QStringLiteral(".sensitivity.json"));
  auto result = std::make_shared<SensitivityJobResult>();
  const int id = jobs_->start(tr("Sensitivity of %1").arg(stem), sensitivityJob(options, result));
  const QString model = modelPath_;
  jobDone_.insert(id, [this, result, model] {
    if (model != modelPath_) return;  // another model is shown now
    // Colour by sensitivity: the mAP lost with the group alone pruned by half.
    const SensitivityResult scan = sensitivity_from_json(result->json.toStdString());
    QHash<QString, double> loss;
    for (const GroupSensitivity& group : scan.groups) {
      size_t nearest = 0;
      for (size_t i = 0; i < group.ratios.size(); ++i) {
        if (std::abs(group.ratios[i] - 0.5) < std::abs(group.ratios[nearest] - 0.5)) nearest = i;
      }
      if (nearest >= group.map.size() || !std::isfinite(group.map[nearest])) continue;
      const double drop = std::max(0.0, scan.baseline - group.map[nearest]);
      const ChannelGroup* match = nullptr;
      for (const ChannelGroup& candidate : groups_->groups) {
        if (candidate.name == group.name) match = &candidate;
      }
      if (match == nullptr) continue;
      for (const std::string& node : match->filter_nodes()) loss.insert(QString::fromStdString(node), drop);
    }
    graphView_->setMetric(GraphView::ColorBy::Sensitivity, loss);
    graphView_->setColorBy(GraphView::ColorBy::Sensitivity);
  });
  return id;
}

int MainWindow::startBenchmark(int runs) {
  if (!graph_ || modelPath_.isEmpty()) {
    reportError(tr("Benchmarking needs a model file."), tr("Open a model or a project first."));
    return -1;
  }
  BenchmarkJobOptions options;
  options.model.file = modelPath_;
  options.runs = runs;
  auto result = std::make_shared<BenchmarkJobResult>();
  const QString variant = currentVariant_;
  const int id = jobs_->start(tr("Benchmark %1").arg(variant.isEmpty() ? modelTitle_ : variant),
                              benchmarkJob(options, result));
  jobDone_.insert(id, [this, variant, result] {
    recordMetrics(variant, {{QStringLiteral("latency_ms"), result->fp32Ms},
                            {QStringLiteral("threads"), static_cast<double>(result->threads)}});
  });
  return id;
}

int MainWindow::startLatencyTable() {
  if (!graph_) {
    reportError(tr("Measuring latency needs a model."), tr("Open a model or a project first."));
    return -1;
  }
  // The job times a copy; the table is keyed by the graph's structure, so
  // it fits the model shown as long as that is the same model.
  auto snapshot = std::make_shared<Graph>(graph_->clone());
  auto table = std::make_shared<LatencyTable>();
  const int id = jobs_->start(tr("Layer latency of %1").arg(modelTitle_), [snapshot, table](Progress& progress) {
    *table = latency_table(*snapshot, LatencyTableOptions{}, &progress);
    progress.log(table->source == "cache" ? "read from the cache " + table->cache_path
                                          : "measured in " + std::to_string(table->build_seconds) + " s");
  });
  const QString model = modelTitle_;
  const size_t nodes = graph_->nodes.size();
  jobDone_.insert(id, [this, table, model, nodes] {
    if (!graph_ || modelTitle_ != model || graph_->nodes.size() != nodes) return;  // another model now
    QHash<QString, double> ms;
    for (const LatencyEntry& entry : table->entries) ms.insert(QString::fromStdString(entry.node), entry.full_ms());
    graphView_->setLatency(ms);
    graphView_->setMetric(GraphView::ColorBy::LatencyShare, ms);
    inspector_->setLatency(ms);
    ratioEditor_->setLatencyTable(table.get());  // copied
    updateTotals();
  });
  return id;
}

int MainWindow::startImportance(const QString& criterion) {
  if (!requireJobInputs(tr("Scoring filters with %1").arg(criterion))) return -1;
  auto scores = std::make_shared<ImportanceScores>();
  const QString model = modelPath_;
  const QString data = dataSet_;
  const int id = jobs_->start(
      tr("%1 importance of %2").arg(importanceCriterionTitle(criterion), modelTitle_),
      [scores, model, data, criterion](Progress& progress) {
        const Detector detector = load_detector_file(model.toStdString());
        ImportanceDataOptions options;
        options.root = data.toStdString();
        options.set = "train";
        const ImportanceData images =
            read_importance_data(detector.graph, &detector, options, "importance", progress);
        *scores = computeImportance(detector.graph, channel_groups(detector.graph), criterion, images, progress);
      });
  jobDone_.insert(id, [this, scores, model] {
    if (model == modelPath_) showScores(*scores);
  });
  return id;
}

bool MainWindow::confirmCloseWithJobs() {
  if (jobs_->runningCount() == 0) return true;
  if (interactive_) {
    const auto answer = QMessageBox::question(
        this, tr("Jobs are running"),
        tr("%n job(s) still running. Cancel them and quit? Files saved so far are kept.", nullptr,
           jobs_->runningCount()));
    if (answer != QMessageBox::Yes) return false;
  }
  jobs_->cancelAll();
  jobs_->waitAll();
  return true;
}

}  // namespace whittle::ui
