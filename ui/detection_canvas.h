#pragma once
// One image scaled to fit the widget (aspect kept, centred) with boxes drawn
// over it: a model's detections in a fixed colour per class index, each
// tagged "class 0.87"; ground-truth boxes dashed (difficult ones dotted),
// tagged with the class name, when shown. Detections scoring below the score
// threshold are hidden. Without an image it shows a message (e.g. why a model
// could not run).
//
// Box coordinates are continuous pixels of the original image (0-based,
// x2 - x1 = width), as ImageDetector gives them; VOC boxes (1-based,
// inclusive) are converted by the caller (xmin - 1, ymin - 1, xmax, ymax).
#include <QColor>
#include <QImage>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

namespace whittle::ui {

struct CanvasBox {
  QRectF rect;        // original-image pixels
  int label = -1;     // index into the class names (the colour's index too)
  double score = 1;   // detections; ground truth: 1
  bool difficult = false;  // ground truth only
};

// The fixed palette: the colour of class index `label` (cycles after 20;
// grey for a negative label).
QColor classColour(int label);

class DetectionCanvas : public QWidget {
  Q_OBJECT

 public:
  explicit DetectionCanvas(QWidget* parent = nullptr);

  // The image (a null image clears it and shows the message instead).
  void setImage(const QImage& image);
  void setClassNames(const QStringList& names);
  void setDetections(const QVector<CanvasBox>& detections);
  void setGroundTruth(const QVector<CanvasBox>& boxes);
  void setScoreThreshold(double score);
  void setShowGroundTruth(bool on);
  // Shown centred instead of boxes when set (errors), over the image if any.
  void setMessage(const QString& message);
  void clear(const QString& message = {});

  QImage image() const { return image_; }
  QString message() const { return message_; }
  double scoreThreshold() const { return threshold_; }
  bool showsGroundTruth() const { return showGroundTruth_; }
  QVector<CanvasBox> detections() const { return detections_; }
  QVector<CanvasBox> groundTruth() const { return groundTruth_; }
  int detectionCount() const { return static_cast<int>(detections_.size()); }
  // Detections drawn now (score >= threshold).
  int visibleDetectionCount() const;
  // Ground-truth boxes drawn now (0 when hidden).
  int visibleGroundTruthCount() const;
  // "class 0.87" ("class" alone for ground truth); "#3" for an unnamed label.
  QString tagText(const CanvasBox& box, bool groundTruth) const;
  // Where the image lies in the widget, and the scale image -> widget.
  QRectF imageRect() const;

  QSize sizeHint() const override { return {360, 300}; }
  QSize minimumSizeHint() const override { return {120, 100}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QImage image_;
  QStringList classNames_;
  QVector<CanvasBox> detections_;
  QVector<CanvasBox> groundTruth_;
  double threshold_ = 0.5;
  bool showGroundTruth_ = false;
  QString message_;
};

}  // namespace whittle::ui
