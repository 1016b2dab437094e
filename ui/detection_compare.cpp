// Core (torch, OpenCV) headers first: Qt's `slots` macro breaks LibTorch's.
#include "data/dataset.h"
#include "data/voc_reader.h"
#include "eval/detection_agreement.h"
#include "eval/disagreement.h"
#include "graph/error.h"
#include "jobs/progress.h"
#include "workflow/paired_detections.h"

#include <opencv2/imgproc.hpp>

#include "ui/detection_compare.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "ui/detection_canvas.h"
#include "ui/job_runner.h"

namespace whittle::ui {
namespace {

std::string str(const QString& s) { return s.toStdString(); }
QString qstr(const std::string& s) { return QString::fromStdString(s); }

// The first line of an exception's message (LibTorch's carry a backtrace).
QString firstLine(const std::exception& e) { return QString::fromStdString(first_line(e)); }

// One model file, tried once: its detector and detections (core's
// CachedDetector), or why it did not load.
struct LoadedModel {
  bool tried = false;
  QString error;  // the load failed
  std::unique_ptr<CachedDetector> model;
};

QImage toQImage(const cv::Mat& bgr) {
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return QImage(rgb.data, rgb.cols, rgb.rows, static_cast<qsizetype>(rgb.step[0]), QImage::Format_RGB888).copy();
}

QVector<CanvasBox> canvasBoxes(const std::vector<ScoredBox>& detections) {
  QVector<CanvasBox> boxes;
  boxes.reserve(static_cast<qsizetype>(detections.size()));
  for (const ScoredBox& d : detections)
    boxes.push_back(CanvasBox{QRectF(d.x1, d.y1, d.x2 - d.x1, d.y2 - d.y1), d.label, d.score, false});
  return boxes;
}

QVector<CanvasBox> groundTruthBoxes(const ImageRecord& image) {
  QVector<CanvasBox> boxes;
  for (const Object& o : image.objects) {
    // VOC 1-based inclusive -> continuous 0-based pixels.
    const QRectF r(o.box.xmin - 1, o.box.ymin - 1, o.box.xmax - o.box.xmin + 1, o.box.ymax - o.box.ymin + 1);
    boxes.push_back(CanvasBox{r, o.label, 1.0, o.difficult});
  }
  return boxes;
}

}  // namespace

struct DetectionCompare::Impl {
  QList<QPair<QString, QString>> models;  // display name -> file
  std::map<QString, std::unique_ptr<LoadedModel>> loaded;  // by file

  bool hasData = false;
  Dataset data;
  QString root, set;
  quint64 dataGeneration = 0;

  QString left, right;  // display names
  int current = -1;
  double threshold = 0.5;
  bool showGt = false;
  bool disagreeingOnly = false;
  bool agreementValid = false;
  DetectionAgreement agreement;

  std::vector<int> order;  // the list's order
  bool rankRequested = false;
  bool ranked = false;
  int rankJob = -1;
  QString rankLeftFile, rankRightFile;
  quint64 rankGeneration = 0;
  std::shared_ptr<PairDetections> rankResult;

  QString lastError;

  QString fileOf(const QString& name) const {
    for (const auto& m : models)
      if (m.first == name) return m.second;
    return {};
  }
  bool known(const QString& name) const {
    return std::any_of(models.begin(), models.end(), [&](const auto& m) { return m.first == name; });
  }

  // The model of `file`, loaded on first use; null with `error` set when it
  // does not load.
  CachedDetector* ensureLoaded(const QString& file, QString* error) {
    auto& slot = loaded[file];
    if (!slot) slot = std::make_unique<LoadedModel>();
    LoadedModel& m = *slot;
    if (!m.tried) {
      m.tried = true;
      try {
        m.model = std::make_unique<CachedDetector>(str(file));
        if (hasData) m.model->set_classes(data);
      } catch (const std::exception& e) {
        m.error = firstLine(e);
      }
    }
    if (!m.model && error) *error = m.error;
    return m.model.get();
  }

  CachedDetector* modelOf(const QString& name) {
    auto it = loaded.find(fileOf(name));
    return it == loaded.end() ? nullptr : it->second->model.get();
  }

  // Both sides' cached detections of image `index` agree how? False when
  // either is not computed.
  bool agreementFor(int index, DetectionAgreement* out) {
    CachedDetector* l = modelOf(left);
    CachedDetector* r = modelOf(right);
    const std::vector<ScoredBox>* ld = l ? l->kept(index) : nullptr;
    const std::vector<ScoredBox>* rd = r ? r->kept(index) : nullptr;
    if (!ld || !rd) return false;
    *out = detection_agreement(detections_at_score(*ld, threshold), detections_at_score(*rd, threshold));
    return true;
  }

  bool pairComplete() {
    const size_t n = data.images.size();
    CachedDetector* l = modelOf(left);
    CachedDetector* r = modelOf(right);
    return hasData && l && r && l->kept_count() >= n && r->kept_count() >= n;
  }

  std::vector<int> setOrder() const {
    std::vector<int> o(data.images.size());
    std::iota(o.begin(), o.end(), 0);
    return o;
  }

  QString fileName(int index) const {
    const ImageRecord& image = data.images.at(static_cast<size_t>(index));
    const std::string name = std::filesystem::path(image.image_path).filename().string();
    return qstr(name.empty() ? image.id : name);
  }
};

DetectionCompare::DetectionCompare(JobRunner* jobs, QWidget* parent)
    : QWidget(parent), d_(std::make_unique<Impl>()), jobs_(jobs) {
  setObjectName(QStringLiteral("detectionCompare"));

  // Left column: the image list and the ranking.
  auto* listColumn = new QWidget(this);
  auto* listLayout = new QVBoxLayout(listColumn);
  listLayout->setContentsMargins(0, 0, 0, 0);
  list_ = new QListWidget(listColumn);
  list_->setObjectName(QStringLiteral("compareImageList"));
  list_->setToolTip(tr("The images of the set; after a comparison each shows matched · only left · only right"));
  rankButton_ = new QPushButton(tr("Rank by disagreement"), listColumn);
  rankButton_->setObjectName(QStringLiteral("rankByDisagreementButton"));
  rankButton_->setToolTip(tr("Runs both models over every image of the set and puts the images where they "
                             "disagree most (unmatched detections, then box overlap) at the top"));
  disagreeingBox_ = new QCheckBox(tr("Disagreeing only"), listColumn);
  disagreeingBox_->setObjectName(QStringLiteral("disagreeingOnlyBox"));
  disagreeingBox_->setToolTip(tr("Hides images where both models found the same objects"));
  progress_ = new QProgressBar(listColumn);
  progress_->setObjectName(QStringLiteral("rankingProgress"));
  progress_->setRange(0, 1000);
  progress_->setTextVisible(false);
  progress_->setVisible(false);
  listLayout->addWidget(list_, 1);
  listLayout->addWidget(disagreeingBox_);
  listLayout->addWidget(rankButton_);
  listLayout->addWidget(progress_);

  // The two sides: a model chooser above each canvas.
  auto makeSide = [this](QComboBox*& box, DetectionCanvas*& canvas, const QString& side, const QString& title) {
    auto* column = new QWidget(this);
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* header = new QHBoxLayout;
    header->addWidget(new QLabel(title, column));
    box = new QComboBox(column);
    box->setObjectName(side + QStringLiteral("ModelBox"));
    box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    header->addWidget(box, 1);
    layout->addLayout(header);
    canvas = new DetectionCanvas(column);
    canvas->setObjectName(side + QStringLiteral("DetectionCanvas"));
    layout->addWidget(canvas, 1);
    return column;
  };
  QWidget* leftSide = makeSide(leftBox_, leftCanvas_, QStringLiteral("left"), tr("Left:"));
  QWidget* rightSide = makeSide(rightBox_, rightCanvas_, QStringLiteral("right"), tr("Right:"));
  leftBox_->setToolTip(tr("The model whose detections are shown on the left (e.g. the original)"));
  rightBox_->setToolTip(tr("The model whose detections are shown on the right (e.g. the compressed variant)"));

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->addWidget(listColumn);
  splitter->addWidget(leftSide);
  splitter->addWidget(rightSide);
  splitter->setStretchFactor(0, 0);
  splitter->setStretchFactor(1, 1);
  splitter->setStretchFactor(2, 1);

  // Controls under the images.
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setObjectName(QStringLiteral("scoreThresholdSlider"));
  slider_->setRange(0, 100);
  slider_->setValue(50);
  slider_->setToolTip(tr("Detections scoring below this are hidden and not compared"));
  thresholdLabel_ = new QLabel(this);
  thresholdLabel_->setObjectName(QStringLiteral("scoreThresholdLabel"));
  thresholdLabel_->setMinimumWidth(thresholdLabel_->fontMetrics().horizontalAdvance(QStringLiteral("0.000")));
  gtBox_ = new QCheckBox(tr("Ground truth"), this);
  gtBox_->setObjectName(QStringLiteral("groundTruthBox"));
  gtBox_->setToolTip(tr("Shows the annotated boxes dashed (difficult ones dotted) on both images"));
  agreementLabel_ = new QLabel(this);
  agreementLabel_->setObjectName(QStringLiteral("agreementLabel"));
  agreementLabel_->setToolTip(
      tr("Detections of the same class overlapping by IoU >= 0.5 are matched; only left: found by the left "
         "model alone (missed on the right); only right: extra detections of the right model"));
  statusLabel_ = new QLabel(this);
  statusLabel_->setObjectName(QStringLiteral("compareStatusLabel"));
  statusLabel_->setWordWrap(true);
  statusLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Score threshold:"), this));
  controls->addWidget(slider_, 1);
  controls->addWidget(thresholdLabel_);
  controls->addSpacing(12);
  controls->addWidget(gtBox_);
  controls->addSpacing(12);
  controls->addWidget(agreementLabel_, 1);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(splitter, 1);
  layout->addLayout(controls);
  layout->addWidget(statusLabel_);

  listTimer_ = new QTimer(this);
  listTimer_->setSingleShot(true);
  listTimer_->setInterval(150);
  connect(listTimer_, &QTimer::timeout, this, [this] { refreshList(); });

  connect(list_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
    if (item) showImage(item->data(Qt::UserRole).toInt());
  });
  auto pairChanged = [this] { setPair(leftBox_->currentText(), rightBox_->currentText()); };
  connect(leftBox_, &QComboBox::currentIndexChanged, this, pairChanged);
  connect(rightBox_, &QComboBox::currentIndexChanged, this, pairChanged);
  connect(slider_, &QSlider::valueChanged, this, [this](int value) { applyThreshold(value / 100.0, false); });
  connect(gtBox_, &QCheckBox::toggled, this, [this](bool on) { setShowGroundTruth(on); });
  connect(disagreeingBox_, &QCheckBox::toggled, this, [this](bool on) { setDisagreeingOnly(on); });
  connect(rankButton_, &QPushButton::clicked, this, [this] {
    if (d_->rankJob >= 0)
      cancelRanking();
    else
      rankByDisagreement();
  });
  if (jobs_) {
    connect(jobs_.data(), &JobRunner::finished, this,
            [this](int id, JobStatus status, const QString& message) { onJobFinished(id, status, message); });
    connect(jobs_.data(), &JobRunner::progress, this, [this](int id, double fraction, const QString& message, double) {
      if (id != d_->rankJob) return;
      progress_->setRange(0, fraction < 0 ? 0 : 1000);
      if (fraction >= 0) progress_->setValue(static_cast<int>(std::lround(fraction * 1000)));
      progress_->setToolTip(message);
    });
  }

  thresholdLabel_->setText(QString::number(d_->threshold, 'f', 2));
  leftCanvas_->setScoreThreshold(d_->threshold);
  rightCanvas_->setScoreThreshold(d_->threshold);
  leftCanvas_->clear(tr("Choose a data set and two models to compare"));
  rightCanvas_->clear();
  refreshAgreement();
  updateControls();
}

DetectionCompare::~DetectionCompare() {
  // The job owns copies of what it needs; stop it, its result has no reader.
  if (jobs_ && d_->rankJob >= 0) jobs_->cancel(d_->rankJob);
}

// ---- models and data --------------------------------------------------------

void DetectionCompare::setModels(const QList<QPair<QString, QString>>& nameAndFile) {
  d_->models = nameAndFile;
  // Keep loaded models still listed; forget the rest and the failed ones (a
  // fixed file is tried again).
  for (auto it = d_->loaded.begin(); it != d_->loaded.end();) {
    const bool listed = std::any_of(nameAndFile.begin(), nameAndFile.end(),
                                    [&](const auto& m) { return m.second == it->first; });
    if (!listed || !it->second->model)
      it = d_->loaded.erase(it);
    else
      ++it;
  }
  {
    const QSignalBlocker bl(leftBox_), br(rightBox_);
    leftBox_->clear();
    rightBox_->clear();
    for (const auto& m : nameAndFile) {
      leftBox_->addItem(m.first, m.second);
      rightBox_->addItem(m.first, m.second);
      leftBox_->setItemData(leftBox_->count() - 1, m.second, Qt::ToolTipRole);
      rightBox_->setItemData(rightBox_->count() - 1, m.second, Qt::ToolTipRole);
    }
  }
  QString left = d_->left, right = d_->right;
  if (!d_->known(left)) left = nameAndFile.isEmpty() ? QString() : nameAndFile.first().first;
  if (!d_->known(right)) right = nameAndFile.size() > 1 ? nameAndFile.at(1).first : left;
  if (left.isEmpty()) {
    d_->left.clear();
    d_->right.clear();
    d_->agreementValid = false;
    leftCanvas_->setDetections({});
    rightCanvas_->setDetections({});
    refreshAgreement();
    refreshList();
    updateControls();
    return;
  }
  // Force a refresh even when the names stay (their files may have changed).
  d_->left.clear();
  d_->right.clear();
  setPair(left, right);
}

bool DetectionCompare::setDataSet(const QString& vocRoot, const QString& set, QString* error) {
  if (jobs_ && d_->rankJob >= 0) jobs_->cancel(d_->rankJob);  // its images are not these
  ++d_->dataGeneration;
  d_->hasData = false;
  d_->data = Dataset{};
  d_->current = -1;
  d_->agreementValid = false;
  d_->rankRequested = false;
  d_->ranked = false;
  d_->order.clear();
  for (auto& [file, slot] : d_->loaded)
    if (slot->model) slot->model->forget();
  QString message;
  try {
    if (vocRoot.isEmpty()) throw Error(str(tr("no data set given: choose a VOC data set folder")));
    VocReadOptions read;
    read.sets = {str(set)};
    Dataset data = read_voc(str(vocRoot), read);
    if (data.images.empty()) throw Error(str(tr("the data set %1 (set %2) has no images").arg(vocRoot, set)));
    d_->data = std::move(data);
    d_->hasData = true;
  } catch (const std::exception& e) {
    message = firstLine(e);
  }
  d_->root = vocRoot;
  d_->set = set;
  leftCanvas_->setDetections({});
  rightCanvas_->setDetections({});
  if (!d_->hasData) {
    d_->lastError = message;
    if (error) *error = message;
    leftCanvas_->clear(tr("The data set could not be read: %1").arg(message));
    rightCanvas_->clear();
    rebuildList();
    refreshAgreement();
    setStatus(tr("The data set could not be read: %1").arg(message), true);
    updateControls();
    return false;
  }
  QStringList names;
  for (const auto& c : d_->data.classes) names << qstr(c);
  leftCanvas_->setClassNames(names);
  rightCanvas_->setClassNames(names);
  for (auto& [file, slot] : d_->loaded)
    if (slot->model) slot->model->set_classes(d_->data);
  d_->order = d_->setOrder();
  rebuildList();
  setStatus(tr("%n image(s) in set %1 of %2", nullptr, imageCount()).arg(set, vocRoot), false);
  updateControls();
  if (!d_->left.isEmpty()) showImage(0);
  return true;
}

bool DetectionCompare::setPair(const QString& left, const QString& right) {
  if (!d_->known(left) || !d_->known(right)) {
    d_->lastError = tr("no model named %1").arg(!d_->known(left) ? left : right);
    return false;
  }
  return choosePair(left, right);
}

bool DetectionCompare::choosePair(const QString& left, const QString& right) {
  {
    const QSignalBlocker bl(leftBox_), br(rightBox_);
    leftBox_->setCurrentIndex(leftBox_->findText(left));
    rightBox_->setCurrentIndex(rightBox_->findText(right));
  }
  const bool changed = left != d_->left || right != d_->right;
  d_->left = left;
  d_->right = right;
  QString leftError, rightError;
  const bool leftOk = d_->ensureLoaded(d_->fileOf(left), &leftError) != nullptr;
  const bool rightOk = d_->ensureLoaded(d_->fileOf(right), &rightError) != nullptr;
  if (!leftOk || !rightOk) {
    d_->lastError = !leftOk ? leftError : rightError;
    setStatus(tr("A model could not be loaded: %1").arg(d_->lastError), true);
  }
  if (changed) refreshList();
  if (d_->hasData) {
    showImage(d_->current >= 0 ? d_->current : (d_->order.empty() ? 0 : d_->order.front()));
  } else {
    if (!leftOk) leftCanvas_->setMessage(tr("The model could not be loaded: %1").arg(leftError));
    if (!rightOk) rightCanvas_->setMessage(tr("The model could not be loaded: %1").arg(rightError));
  }
  updateControls();
  return leftOk && rightOk;
}

// ---- one image --------------------------------------------------------------

bool DetectionCompare::showImage(int index) {
  if (!d_->hasData || index < 0 || index >= imageCount()) return false;
  d_->current = index;
  d_->agreementValid = false;
  const ImageRecord& record = d_->data.images[static_cast<size_t>(index)];

  cv::Mat bgr;
  QString imageError;
  try {
    bgr = read_bgr_image(record.image_path);
  } catch (const std::exception& e) {
    imageError = firstLine(e);
  }
  const QImage image = bgr.empty() ? QImage() : toQImage(bgr);
  const QVector<CanvasBox> truth = groundTruthBoxes(record);

  bool ok = imageError.isEmpty();
  QString firstError = imageError;
  auto runSide = [&](const QString& name, DetectionCanvas* canvas) -> const std::vector<ScoredBox>* {
    canvas->setImage(image);
    canvas->setGroundTruth(truth);
    canvas->setDetections({});
    canvas->setMessage({});
    if (!imageError.isEmpty()) {
      canvas->setMessage(tr("The image could not be read: %1").arg(imageError));
      return nullptr;
    }
    if (name.isEmpty()) {
      canvas->setMessage(tr("Choose a model"));
      ok = false;
      return nullptr;
    }
    QString error;
    CachedDetector* model = d_->ensureLoaded(d_->fileOf(name), &error);
    const std::vector<ScoredBox>* dets = nullptr;
    if (model) {
      try {
        dets = &model->detect(index, bgr);
      } catch (const std::exception& e) {
        error = tr("%1 failed on this image: %2").arg(name, firstLine(e));
      }
    } else {
      error = tr("The model could not be loaded: %1").arg(error);
    }
    if (!dets) {
      canvas->setMessage(error);
      if (firstError.isEmpty()) firstError = error;
      ok = false;
      return nullptr;
    }
    canvas->setDetections(canvasBoxes(*dets));
    return dets;
  };
  runSide(d_->left, leftCanvas_);
  runSide(d_->right, rightCanvas_);

  DetectionAgreement agreement;
  d_->agreementValid = d_->agreementFor(index, &agreement);
  d_->agreement = d_->agreementValid ? agreement : DetectionAgreement{};
  refreshAgreement();
  refreshRowTexts();

  // Keep the list's selection on the image shown.
  for (int row = 0; row < list_->count(); ++row) {
    if (list_->item(row)->data(Qt::UserRole).toInt() != index) continue;
    if (list_->currentRow() != row) {
      const QSignalBlocker block(list_);
      list_->setCurrentRow(row);
    }
    break;
  }
  if (ok) {
    setStatus(tr("%1 (%2 of %3)").arg(d_->fileName(index)).arg(index + 1).arg(imageCount()), false);
  } else {
    d_->lastError = firstError;
    setStatus(firstError, true);
  }
  emit imageShown(index);
  return ok;
}

int DetectionCompare::imageCount() const { return d_->hasData ? static_cast<int>(d_->data.images.size()) : 0; }
int DetectionCompare::currentImage() const { return d_->current; }
double DetectionCompare::scoreThreshold() const { return d_->threshold; }
bool DetectionCompare::showsGroundTruth() const { return d_->showGt; }
int DetectionCompare::matched() const { return d_->agreementValid ? d_->agreement.matched : 0; }
int DetectionCompare::onlyLeft() const { return d_->agreementValid ? d_->agreement.only_a : 0; }
int DetectionCompare::onlyRight() const { return d_->agreementValid ? d_->agreement.only_b : 0; }
double DetectionCompare::meanIou() const { return d_->agreementValid ? d_->agreement.mean_iou() : 1.0; }
QString DetectionCompare::leftName() const { return d_->left; }
QString DetectionCompare::rightName() const { return d_->right; }
QString DetectionCompare::lastError() const { return d_->lastError; }
QString DetectionCompare::agreementText() const { return agreementLabel_->text(); }
DetectionCanvas* DetectionCompare::leftCanvas() const { return leftCanvas_; }
DetectionCanvas* DetectionCompare::rightCanvas() const { return rightCanvas_; }
QListWidget* DetectionCompare::imageList() const { return list_; }
int DetectionCompare::rankingJob() const { return d_->rankJob; }
bool DetectionCompare::isRanked() const { return d_->ranked; }

void DetectionCompare::setScoreThreshold(double score) { applyThreshold(score, true); }

void DetectionCompare::applyThreshold(double score, bool listNow) {
  score = std::clamp(std::isfinite(score) ? score : 0.5, 0.0, 1.0);
  d_->threshold = score;
  {
    const QSignalBlocker block(slider_);
    slider_->setValue(static_cast<int>(std::lround(score * 100)));
  }
  thresholdLabel_->setText(QString::number(score, 'f', 2));
  leftCanvas_->setScoreThreshold(score);
  rightCanvas_->setScoreThreshold(score);
  DetectionAgreement agreement;
  d_->agreementValid = d_->current >= 0 && d_->agreementFor(d_->current, &agreement);
  d_->agreement = d_->agreementValid ? agreement : DetectionAgreement{};
  refreshAgreement();
  // Every row's agreement (and the ranking) follows the threshold: at once
  // when asked through the API, coalesced while the slider moves.
  if (listNow) {
    listTimer_->stop();
    refreshList();
  } else {
    listTimer_->start();
  }
}

void DetectionCompare::setShowGroundTruth(bool on) {
  d_->showGt = on;
  {
    const QSignalBlocker block(gtBox_);
    gtBox_->setChecked(on);
  }
  leftCanvas_->setShowGroundTruth(on);
  rightCanvas_->setShowGroundTruth(on);
}

void DetectionCompare::setDisagreeingOnly(bool on) {
  d_->disagreeingOnly = on;
  {
    const QSignalBlocker block(disagreeingBox_);
    disagreeingBox_->setChecked(on);
  }
  refreshRowTexts();
}

void DetectionCompare::refreshAgreement() {
  if (!d_->agreementValid) {
    agreementLabel_->setText(d_->current >= 0 ? tr("agreement: not computed") : QString());
    return;
  }
  const DetectionAgreement& a = d_->agreement;
  QString text = tr("matched %1 · only left %2 · only right %3").arg(a.matched).arg(a.only_a).arg(a.only_b);
  if (a.matched > 0) text += tr(" · mean IoU %1").arg(QString::number(a.mean_iou(), 'f', 2));
  agreementLabel_->setText(text);
}

// ---- the list and the ranking -------------------------------------------------

void DetectionCompare::rebuildList() {
  const QSignalBlocker block(list_);
  list_->clear();
  for (int index : d_->order) {
    auto* item = new QListWidgetItem(d_->fileName(index), list_);
    item->setData(Qt::UserRole, index);
  }
  refreshRowTexts();
  for (int row = 0; row < list_->count(); ++row)
    if (list_->item(row)->data(Qt::UserRole).toInt() == d_->current) list_->setCurrentRow(row);
}

void DetectionCompare::refreshRowTexts() {
  for (int row = 0; row < list_->count(); ++row) {
    QListWidgetItem* item = list_->item(row);
    const int index = item->data(Qt::UserRole).toInt();
    DetectionAgreement a;
    if (d_->agreementFor(index, &a)) {
      item->setText(tr("%1   %2 · %3 · %4").arg(d_->fileName(index)).arg(a.matched).arg(a.only_a).arg(a.only_b));
      item->setToolTip(tr("matched %1 · only left %2 · only right %3").arg(a.matched).arg(a.only_a).arg(a.only_b));
      item->setHidden(d_->disagreeingOnly && a.only_a + a.only_b == 0);
    } else {
      item->setText(d_->fileName(index));
      item->setToolTip(tr("not compared yet"));
      item->setHidden(false);
    }
  }
}

void DetectionCompare::refreshList() {
  std::vector<int> order;
  d_->ranked = false;
  if (d_->hasData && d_->rankRequested && d_->pairComplete()) {
    std::vector<DetectionAgreement> per(d_->data.images.size());
    for (size_t i = 0; i < per.size(); ++i) d_->agreementFor(static_cast<int>(i), &per[i]);
    order = disagreement_order(per);
    d_->ranked = true;
  } else if (d_->hasData) {
    order = d_->setOrder();
  }
  if (order != d_->order) {
    d_->order = std::move(order);
    rebuildList();
  } else {
    refreshRowTexts();
  }
}

QList<int> DetectionCompare::imageOrder() const {
  if (listTimer_->isActive()) {  // a slider move not yet applied
    listTimer_->stop();
    const_cast<DetectionCompare*>(this)->refreshList();
  }
  QList<int> order;
  for (int index : d_->order) order << index;
  return order;
}

int DetectionCompare::rankByDisagreement() {
  if (!jobs_) {
    d_->lastError = tr("no job runner");
    return -1;
  }
  if (d_->rankJob >= 0) {
    d_->lastError = tr("a ranking is already running");
    return -1;
  }
  if (!d_->hasData) {
    d_->lastError = tr("no data set: choose a VOC data set folder first");
    setStatus(d_->lastError, true);
    return -1;
  }
  QString error;
  const QString leftFile = d_->fileOf(d_->left), rightFile = d_->fileOf(d_->right);
  if (d_->left.isEmpty() || !d_->ensureLoaded(leftFile, &error) || !d_->ensureLoaded(rightFile, &error)) {
    d_->lastError = d_->left.isEmpty() ? tr("choose two models first") : tr("A model could not be loaded: %1").arg(error);
    setStatus(d_->lastError, true);
    return -1;
  }
  d_->rankRequested = true;

  std::vector<std::string> paths;
  for (const auto& image : d_->data.images) paths.push_back(image.image_path);
  Dataset classesOnly;
  classesOnly.classes = d_->data.classes;
  auto result = std::make_shared<PairDetections>();
  const std::string lf = str(leftFile), rf = str(rightFile);
  const QString doneText = tr("%n image(s) compared", nullptr, static_cast<int>(paths.size()));
  // Its own detectors, from the files: nothing shared with the GUI thread.
  auto work = [result, paths, classesOnly, lf, rf, doneText](Progress& progress) {
    *result = detect_pair(lf, rf, paths, classesOnly, progress);
    if (auto* jp = dynamic_cast<JobProgress*>(&progress)) jp->setSummary(str(doneText));
  };
  d_->rankResult = result;
  d_->rankLeftFile = leftFile;
  d_->rankRightFile = rightFile;
  d_->rankGeneration = d_->dataGeneration;
  // finished() comes from the runner's timer on this thread, after start() returned.
  const int id = jobs_->start(tr("Rank by disagreement: %1 vs %2").arg(d_->left, d_->right), std::move(work));
  d_->rankJob = id;
  progress_->setRange(0, 0);
  progress_->setVisible(true);
  updateControls();
  return id;
}

void DetectionCompare::cancelRanking() {
  if (jobs_ && d_->rankJob >= 0) jobs_->cancel(d_->rankJob);
}

void DetectionCompare::onJobFinished(int id, JobStatus status, const QString& message) {
  if (id != d_->rankJob) return;
  d_->rankJob = -1;
  progress_->setVisible(false);
  std::shared_ptr<PairDetections> result = std::move(d_->rankResult);
  if (status == JobStatus::Succeeded && result && d_->rankGeneration == d_->dataGeneration) {
    // The detections join the cache (the same files on the same images).
    const int n = imageCount();
    auto fill = [&](const QString& file, std::vector<std::vector<ScoredBox>>& dets) {
      auto it = d_->loaded.find(file);
      if (it == d_->loaded.end() || !it->second->model || static_cast<int>(dets.size()) != n) return;
      for (int i = 0; i < n; ++i) it->second->model->keep(i, std::move(dets[static_cast<size_t>(i)]));
    };
    fill(d_->rankLeftFile, result->left);
    if (d_->rankRightFile != d_->rankLeftFile) fill(d_->rankRightFile, result->right);
    refreshList();
    if (d_->current >= 0) {
      DetectionAgreement agreement;
      d_->agreementValid = d_->agreementFor(d_->current, &agreement);
      d_->agreement = d_->agreementValid ? agreement : DetectionAgreement{};
      refreshAgreement();
    }
    setStatus(d_->ranked ? tr("Images ranked by disagreement, most first")
                         : tr("The ranking finished for another pair of models"),
              false);
  } else if (status == JobStatus::Cancelled) {
    d_->rankRequested = d_->ranked;
    setStatus(tr("Ranking cancelled"), false);
  } else if (status == JobStatus::Failed) {
    d_->rankRequested = d_->ranked;
    d_->lastError = message;
    setStatus(tr("Ranking failed: %1").arg(message), true);
  }
  updateControls();
  emit rankingFinished();
}

// ---- state shown ----------------------------------------------------------------

void DetectionCompare::updateControls() {
  const bool running = d_->rankJob >= 0;
  rankButton_->setText(running ? tr("Cancel ranking") : tr("Rank by disagreement"));
  rankButton_->setEnabled(running || (jobs_ && d_->hasData && !d_->left.isEmpty()));
  leftBox_->setEnabled(!d_->models.isEmpty());
  rightBox_->setEnabled(!d_->models.isEmpty());
}

void DetectionCompare::setStatus(const QString& text, bool error) {
  statusLabel_->setText(text);
  QPalette p = statusLabel_->palette();
  p.setColor(QPalette::WindowText, error ? QColor(0xb0, 0x20, 0x20) : palette().color(QPalette::WindowText));
  statusLabel_->setPalette(p);
}

}  // namespace whittle::ui
