#pragma once
// Detection comparison: the images of a data set, each shown twice side by
// side with the detections of two chosen models (variants of a project), so
// a person sees what pruning or int8 changed. Class colours, "class 0.87"
// tags, a score-threshold slider (default 0.5), a ground-truth toggle, and
// the current image's agreement between the two ("matched 5 · only left 1 ·
// only right 2": same-class greedy IoU >= 0.5 matching, core's
// detection_agreement). "Rank by disagreement" runs both models over every
// image of the set as a background job and sorts the list by disagreement
// (unmatched detections, then 1 - mean IoU; eval/disagreement.h), most first;
// "Disagreeing only" hides images where the two agree completely.
//
// Models: each file is loaded once, when first needed, and kept with its
// detections (core's workflow/paired_detections; fp32 or int8 ONNX as Whittle
// writes them). A model's
// classes map to the data set's by name (dataset_label_map); detections of a
// class the data set lacks are dropped, so colours and matching follow the
// data set's classes on both sides.
//
// Threads: showImage() runs the two detectors synchronously on the GUI
// thread (one image through a small model: tens of milliseconds); results
// are cached per model file and image, so going back to an image, moving the
// slider or swapping sides runs nothing. The ranking job (detect_pair) loads
// its own detectors from the files on the worker (never the GUI's), captures
// the image list, and hands its detections to the cache when it ends.
//
// Errors (a missing or broken model file, an unreadable image, a data set
// that does not read) come back as messages: lastError(), the status line and
// the canvas of the side concerned. Nothing throws.
#include <QList>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QWidget>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSlider;
class QTimer;

namespace whittle::ui {

class DetectionCanvas;
class JobRunner;
enum class JobStatus;

class DetectionCompare : public QWidget {
  Q_OBJECT

 public:
  explicit DetectionCompare(JobRunner* jobs, QWidget* parent = nullptr);
  ~DetectionCompare() override;

  // Models that can be compared: display name -> model file (.onnx, fp32 or
  // int8). Keeps loaded models whose name and file stay; the pair falls back
  // to the first two entries (or the first on both sides) when a chosen name
  // is gone.
  void setModels(const QList<QPair<QString, QString>>& nameAndFile);
  // A VOC data set folder (or VOCdevkit) and the image set to browse. False
  // (with *error and lastError() set, the view emptied) when it does not
  // read or has no images. Shows the first image when both sides have a model.
  bool setDataSet(const QString& vocRoot, const QString& set = QStringLiteral("test"), QString* error = nullptr);
  // By display name; the same name on both sides is allowed. False when a name
  // is unknown (nothing changes) or a model does not load (the pair is still
  // chosen; the message is in lastError() and on that side's canvas).
  bool setPair(const QString& left, const QString& right);
  // Index into the set (imageCount()); runs both detectors on it,
  // synchronously (see above). False when the index is out of range (nothing
  // changes), or the image or a model could not run (the image is still
  // shown, with what could be computed).
  bool showImage(int index);
  int imageCount() const;
  int currentImage() const;  // -1 before any
  void setScoreThreshold(double score);  // clamped to [0, 1]
  double scoreThreshold() const;
  void setShowGroundTruth(bool on);
  bool showsGroundTruth() const;
  // Hides list rows whose computed agreement is complete (no unmatched
  // detection); rows not computed yet stay.
  void setDisagreeingOnly(bool on);

  // The current image's agreement between left and right at the threshold
  // (0 when either side has no detections computed).
  int matched() const;
  int onlyLeft() const;
  int onlyRight() const;
  double meanIou() const;  // of the matched pairs (1 when none)

  // Starts the ranking job on the JobRunner; returns its id, -1 when it
  // cannot start (no data set, no pair, a model that does not load, or a
  // ranking already running: cancel it first).
  int rankByDisagreement();
  void cancelRanking();
  int rankingJob() const;  // the running ranking job's id, -1 when none
  bool isRanked() const;   // the list is in disagreement order for the current pair
  // The list's order: image indices, top to bottom (set order until ranked).
  QList<int> imageOrder() const;

  QString leftName() const;
  QString rightName() const;
  QString lastError() const;
  QString agreementText() const;  // the agreement line as shown
  DetectionCanvas* leftCanvas() const;
  DetectionCanvas* rightCanvas() const;
  QListWidget* imageList() const;

 signals:
  // The ranking job ended, whatever its status (imageOrder() changed only if
  // it succeeded: isRanked()).
  void rankingFinished();
  // showImage() displayed a new image (index into the set).
  void imageShown(int index);

 private:
  struct Impl;
  void onJobFinished(int id, JobStatus status, const QString& message);
  void applyThreshold(double score, bool listNow);
  void refreshAgreement();
  void refreshList();        // order (re-ranked when asked and computable) and row texts
  void refreshRowTexts();
  void rebuildList();
  void updateControls();
  void setStatus(const QString& text, bool error);
  bool choosePair(const QString& left, const QString& right);

  std::unique_ptr<Impl> d_;
  QPointer<JobRunner> jobs_;
  QListWidget* list_ = nullptr;
  QComboBox* leftBox_ = nullptr;
  QComboBox* rightBox_ = nullptr;
  DetectionCanvas* leftCanvas_ = nullptr;
  DetectionCanvas* rightCanvas_ = nullptr;
  QSlider* slider_ = nullptr;
  QLabel* thresholdLabel_ = nullptr;
  QCheckBox* gtBox_ = nullptr;
  QCheckBox* disagreeingBox_ = nullptr;
  QLabel* agreementLabel_ = nullptr;
  QLabel* statusLabel_ = nullptr;
  QPushButton* rankButton_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QTimer* listTimer_ = nullptr;  // coalesces list refreshes while the slider moves
};

}  // namespace whittle::ui
