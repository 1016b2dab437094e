// MainWindow: projects (.whittle), recent projects, the data set, Apply
// (surgery → a pruned variant) and opening variants.
// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "graph/cost_model.h"
#include "graph/error.h"
#include "graph/graph.h"
#include "io/onnx_export.h"
#include "io/project_file.h"
#include "prune/channel_groups.h"
#include "prune/pruning_plan.h"
#include "prune/surgery.h"

#include "ui/main_window.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QStatusBar>
#include <exception>

#include "ui/detection_compare.h"
#include "ui/graph_view.h"
#include "ui/ratio_editor.h"
#include "ui/results_dashboard.h"
#include "ui/variants_panel.h"

namespace whittle::ui {

namespace {

constexpr int kMaxRecent = 8;
const QString kRecentKey = QStringLiteral("project/recent");

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

}  // namespace

void MainWindow::createProjectMenu(QMenu* file) {
  file->addAction(tr("&New Project…"), this, &MainWindow::chooseNewProject)
      ->setShortcut(QKeySequence::New);
  QAction* open = file->addAction(tr("Open &Project…"), this, &MainWindow::chooseProject);
  open->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  recentMenu_ = file->addMenu(tr("&Recent Projects"));
  recentMenu_->setObjectName(QStringLiteral("recentMenu"));
  file->addAction(tr("&Save Project"), this, [this] { saveProject(); })
      ->setShortcut(QKeySequence::Save);
  file->addSeparator();
  file->addAction(tr("Open &Data Set…"), this, &MainWindow::chooseDataSet)
      ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
}

QStringList MainWindow::recentProjects() const {
  return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::rememberRecent(const QString& path) {
  QStringList recent = recentProjects();
  const QString absolute = QFileInfo(path).absoluteFilePath();
  recent.removeAll(absolute);
  recent.prepend(absolute);
  while (recent.size() > kMaxRecent) recent.removeLast();
  QSettings().setValue(kRecentKey, recent);
  fillRecentMenu();
}

void MainWindow::fillRecentMenu() {
  if (recentMenu_ == nullptr) return;
  recentMenu_->clear();
  const QStringList recent = recentProjects();
  for (const QString& path : recent) {
    recentMenu_->addAction(QFileInfo(path).fileName(), this, [this, path] { openProject(path); })
        ->setStatusTip(path);
  }
  recentMenu_->setEnabled(!recent.isEmpty());
}

bool MainWindow::requireProject(const QString& action) {
  if (project_) return true;
  reportError(tr("%1 needs a project.").arg(action),
              tr("Create one with File → New Project (Ctrl+N) or open one."));
  return false;
}

QString MainWindow::projectFilePath(const QString& fileName) const {
  return QFileInfo(projectPath_).absoluteDir().filePath(fileName);
}

bool MainWindow::newProject(const QString& path) {
  if (!graph_) {
    reportError(tr("Open a model before creating a project."), {});
    return false;
  }
  const QFileInfo info(path);
  try {
    Project project;
    QString model = modelPath_;
    if (model.isEmpty()) {  // a zoo network: give it a file next to the project
      model = info.absoluteDir().filePath(modelTitle_ + QStringLiteral(".onnx"));
      save_onnx(*graph_, model.toStdString());
    }
    project.model = model.toStdString();
    project.data = dataSet_.toStdString();
    save_project(project, info.absoluteFilePath().toStdString());
    project_ = std::make_unique<Project>(std::move(project));
    projectPath_ = info.absoluteFilePath();
    modelPath_ = model;
  } catch (const std::exception& e) {
    reportError(tr("Could not create project %1.").arg(path), QString::fromUtf8(e.what()));
    return false;
  }
  currentVariant_.clear();
  rememberRecent(projectPath_);
  refreshVariants();
  return true;
}

bool MainWindow::openProject(const QString& path) {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  Project project;
  try {
    project = load_project(absolute.toStdString());
  } catch (const std::exception& e) {
    reportError(tr("Could not open project %1.").arg(path), QString::fromUtf8(e.what()));
    return false;
  }
  // The view state names the variant last shown.
  QString variant;
  const QJsonObject view = QJsonDocument::fromJson(QByteArray::fromStdString(project.view)).object();
  variant = view.value(QStringLiteral("variant")).toString();
  auto previous = std::move(project_);
  const QString previousPath = projectPath_;
  project_ = std::make_unique<Project>(std::move(project));
  projectPath_ = absolute;
  if (!openVariant(variant) && !openVariant(QString())) {
    project_ = std::move(previous);  // the model shown before stays
    projectPath_ = previousPath;
    return false;
  }
  dataSet_ = fromStd(project_->data);
  rememberRecent(projectPath_);
  refreshVariants();
  const QString node = view.value(QStringLiteral("node")).toString();
  if (!node.isEmpty()) graphView_->selectNode(node);
  return true;
}

bool MainWindow::saveProject() {
  if (!requireProject(tr("Saving"))) return false;
  QJsonObject view;
  view.insert(QStringLiteral("variant"), currentVariant_);
  view.insert(QStringLiteral("node"), graphView_->selectedNode());
  project_->view = QJsonDocument(view).toJson(QJsonDocument::Compact).toStdString();
  project_->data = dataSet_.toStdString();
  try {
    save_project(*project_, projectPath_.toStdString());
  } catch (const std::exception& e) {
    reportError(tr("Could not save project %1.").arg(projectPath_), QString::fromUtf8(e.what()));
    return false;
  }
  statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(projectPath_).fileName()), 4000);
  return true;
}

bool MainWindow::setDataSet(const QString& path) {
  const QDir dir(path);
  if (!dir.exists()) {
    reportError(tr("No data set at %1.").arg(path), tr("Choose a VOC folder (with ImageSets/) or a VOCdevkit."));
    return false;
  }
  dataSet_ = dir.absolutePath();
  if (project_) saveProject();
  refreshVariants();
  return true;
}

bool MainWindow::openVariant(const QString& name) {
  if (!project_) return false;
  QString file = fromStd(project_->model);
  QString title = QFileInfo(file).fileName();
  if (!name.isEmpty()) {
    file.clear();
    for (const ProjectVariant& variant : project_->variants) {
      if (fromStd(variant.name) == name) file = fromStd(variant.file);
    }
    if (file.isEmpty()) return false;
    title = name;
  }
  if (!openModelFile(file)) return false;
  setWindowTitle(tr("%1 — %2 — Whittle").arg(title, QFileInfo(projectPath_).completeBaseName()));
  currentVariant_ = name;
  refreshVariants();
  return true;
}

void MainWindow::refreshVariants() {
  if (!project_) {
    variantsPanel_->clearProject();
    dashboard_->clear();
    projectLabel_->setText(dataSet_.isEmpty() ? QString() : tr("data: %1").arg(QFileInfo(dataSet_).fileName()));
    return;
  }
  variantsPanel_->setProject(*project_);
  dashboard_->setProject(*project_, projectPath_);
  // Detections: every model Whittle runs (exported files are for other runtimes).
  QList<QPair<QString, QString>> models{{tr("original"), fromStd(project_->model)}};
  for (const ProjectVariant& variant : project_->variants) {
    if (variant.kind != "exported") models.append({fromStd(variant.name), fromStd(variant.file)});
  }
  detections_->setModels(models);
  if (!dataSet_.isEmpty() && dataSet_ != detectionsData_) {
    QString error;
    if (detections_->setDataSet(dataSet_, QStringLiteral("test"), &error)) detectionsData_ = dataSet_;
  }
  if (models.size() >= 2) detections_->setPair(models.front().first, models.back().first);
  projectLabel_->setText(tr("project: %1 · variant: %2 · data: %3")
                             .arg(QFileInfo(projectPath_).fileName(),
                                  currentVariant_.isEmpty() ? tr("original") : currentVariant_,
                                  dataSet_.isEmpty() ? tr("none") : QFileInfo(dataSet_).fileName()));
}

QString MainWindow::uniqueVariantName(const QString& stem) const {
  for (int n = 1;; ++n) {
    const QString name = QStringLiteral("%1-%2").arg(stem).arg(n);
    bool used = false;
    for (const ProjectVariant& variant : project_->variants) used |= fromStd(variant.name) == name;
    if (!used && !QFileInfo::exists(projectFilePath(name + QStringLiteral(".onnx")))) return name;
  }
}

bool MainWindow::addVariant(const QString& name, const QString& kind, const QString& parent,
                            const QString& file, const QString& plan,
                            const QHash<QString, QString>& settings,
                            const QHash<QString, double>& metrics) {
  if (!project_) return false;
  ProjectVariant variant;
  variant.name = name.toStdString();
  variant.kind = kind.toStdString();
  variant.parent = parent.toStdString();
  variant.file = file.toStdString();
  variant.plan = plan.toStdString();
  for (auto it = settings.constBegin(); it != settings.constEnd(); ++it) {
    variant.settings[it.key().toStdString()] = it.value().toStdString();
  }
  for (auto it = metrics.constBegin(); it != metrics.constEnd(); ++it) {
    variant.metrics[it.key().toStdString()] = it.value();
  }
  project_->variants.push_back(std::move(variant));
  if (!saveProject()) {
    project_->variants.pop_back();
    return false;
  }
  refreshVariants();
  return true;
}

QString MainWindow::applyPlan() {
  if (!graph_ || !requireProject(tr("Apply"))) return {};
  const PruningPlan plan = ratioEditor_->plan();
  if (plan.remove.empty()) {
    reportError(tr("The plan removes no channels."), tr("Set a ratio above 0 for some layers first."));
    return {};
  }
  const QString name = uniqueVariantName(QStringLiteral("pruned"));
  const QString modelFile = projectFilePath(name + QStringLiteral(".onnx"));
  const QString planFile = projectFilePath(name + QStringLiteral(".plan.json"));
  QHash<QString, double> metrics;
  try {
    const Graph pruned = apply_pruning(*graph_, *groups_, plan);
    const GraphCost cost = compute_cost(pruned);
    save_plan(plan, planFile.toStdString());
    save_onnx(pruned, modelFile.toStdString());
    metrics.insert(QStringLiteral("params"), static_cast<double>(cost.params));
    metrics.insert(QStringLiteral("macs"), static_cast<double>(cost.macs));
    metrics.insert(QStringLiteral("file_bytes"), static_cast<double>(QFileInfo(modelFile).size()));
    metrics.insert(QStringLiteral("removed_channels"), static_cast<double>(plan.removed_channels()));
  } catch (const std::exception& e) {
    QFile::remove(planFile);
    reportError(tr("Could not prune %1.").arg(modelTitle_), QString::fromUtf8(e.what()));
    return {};
  }
  QHash<QString, QString> settings;
  settings.insert(QStringLiteral("criterion"), planCriterion_);
  if (!addVariant(name, QStringLiteral("pruned"), currentVariant_, modelFile, planFile, settings,
                  metrics)) {
    return {};
  }
  statusBar()->showMessage(tr("Added variant %1").arg(name), 5000);
  return name;
}

void MainWindow::chooseNewProject() {
  const QString path = QFileDialog::getSaveFileName(this, tr("New Project"), lastDirectory_,
                                                    tr("Whittle projects (*.whittle)"));
  if (path.isEmpty()) return;
  newProject(path.endsWith(QStringLiteral(".whittle")) ? path : path + QStringLiteral(".whittle"));
}

void MainWindow::chooseProject() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), lastDirectory_,
                                                    tr("Whittle projects (*.whittle);;All files (*)"));
  if (!path.isEmpty()) openProject(path);
}

void MainWindow::chooseDataSet() {
  const QString path = QFileDialog::getExistingDirectory(this, tr("Open VOC Data Set"), lastDirectory_);
  if (!path.isEmpty()) setDataSet(path);
}

}  // namespace whittle::ui
