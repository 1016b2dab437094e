#include "ui/detection_canvas.h"

#include <QFontMetrics>
#include <QPainter>
#include <QPen>
#include <algorithm>
#include <array>

namespace whittle::ui {

QColor classColour(int label) {
  // 20 well-separated hues (Tableau 20 reordered: strong colours first).
  static const std::array<QRgb, 20> palette{
      0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x17becf, 0xbcbd22, 0x7f7f7f,
      0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94, 0xf7b6d2, 0x9edae5, 0xdbdb8d, 0x393b79};
  if (label < 0) return QColor(0x80, 0x80, 0x80);
  return QColor(palette[static_cast<size_t>(label) % palette.size()]);
}

DetectionCanvas::DetectionCanvas(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void DetectionCanvas::setImage(const QImage& image) {
  image_ = image;
  update();
}

void DetectionCanvas::setClassNames(const QStringList& names) {
  classNames_ = names;
  update();
}

void DetectionCanvas::setDetections(const QVector<CanvasBox>& detections) {
  detections_ = detections;
  update();
}

void DetectionCanvas::setGroundTruth(const QVector<CanvasBox>& boxes) {
  groundTruth_ = boxes;
  update();
}

void DetectionCanvas::setScoreThreshold(double score) {
  threshold_ = score;
  update();
}

void DetectionCanvas::setShowGroundTruth(bool on) {
  showGroundTruth_ = on;
  update();
}

void DetectionCanvas::setMessage(const QString& message) {
  message_ = message;
  update();
}

void DetectionCanvas::clear(const QString& message) {
  image_ = QImage();
  detections_.clear();
  groundTruth_.clear();
  message_ = message;
  update();
}

int DetectionCanvas::visibleDetectionCount() const {
  return static_cast<int>(std::count_if(detections_.begin(), detections_.end(),
                                        [this](const CanvasBox& b) { return b.score >= threshold_; }));
}

int DetectionCanvas::visibleGroundTruthCount() const {
  return showGroundTruth_ ? static_cast<int>(groundTruth_.size()) : 0;
}

QString DetectionCanvas::tagText(const CanvasBox& box, bool groundTruth) const {
  const QString name = box.label >= 0 && box.label < classNames_.size() ? classNames_.at(box.label)
                                                                        : QStringLiteral("#%1").arg(box.label);
  if (groundTruth) return name;
  return QStringLiteral("%1 %2").arg(name, QString::number(box.score, 'f', 2));
}

QRectF DetectionCanvas::imageRect() const {
  if (image_.isNull() || image_.width() <= 0 || image_.height() <= 0) return {};
  const double scale = std::min(static_cast<double>(width()) / image_.width(),
                                static_cast<double>(height()) / image_.height());
  const QSizeF size(image_.width() * scale, image_.height() * scale);
  return QRectF(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2), size);
}

void DetectionCanvas::paintEvent(QPaintEvent* /*event*/) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().color(QPalette::Window).darker(115));
  const QRectF target = imageRect();
  if (!target.isEmpty()) {
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(target, image_);
    const double scale = target.width() / image_.width();
    auto toWidget = [&](const QRectF& r) {
      return QRectF(target.left() + r.left() * scale, target.top() + r.top() * scale, r.width() * scale,
                    r.height() * scale);
    };
    painter.setRenderHint(QPainter::Antialiasing);
    QFont font = painter.font();
    font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.85));
    painter.setFont(font);
    const QFontMetrics metrics(font);
    auto drawTag = [&](const QRectF& box, const QColor& colour, const QString& text) {
      const QSizeF size(metrics.horizontalAdvance(text) + 6, metrics.height() + 2);
      QPointF topLeft(box.left(), box.top() - size.height());
      if (topLeft.y() < target.top()) topLeft.setY(box.top());  // no room above: inside the box
      topLeft.setX(std::clamp(topLeft.x(), 0.0, std::max(0.0, width() - size.width())));
      const QRectF tag(topLeft, size);
      painter.fillRect(tag, colour);
      painter.setPen(colour.lightnessF() > 0.6 ? Qt::black : Qt::white);
      painter.drawText(tag, Qt::AlignCenter, text);
    };

    if (showGroundTruth_) {
      for (const CanvasBox& b : groundTruth_) {
        const QColor colour = classColour(b.label);
        QPen pen(colour, 2, b.difficult ? Qt::DotLine : Qt::DashLine);
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        const QRectF r = toWidget(b.rect);
        painter.drawRect(r);
        QString text = tagText(b, true);
        if (b.difficult) text = tr("%1 (difficult)").arg(text);
        drawTag(QRectF(r.left(), r.bottom() + metrics.height() + 2, r.width(), 0), colour.darker(130), text);
      }
    }
    // Lowest scores first, so the strongest boxes and tags end on top.
    QVector<CanvasBox> shown;
    for (const CanvasBox& b : detections_)
      if (b.score >= threshold_) shown.push_back(b);
    std::stable_sort(shown.begin(), shown.end(),
                     [](const CanvasBox& a, const CanvasBox& b) { return a.score < b.score; });
    for (const CanvasBox& b : shown) {
      const QColor colour = classColour(b.label);
      painter.setPen(QPen(colour, 2, Qt::SolidLine));
      painter.setBrush(Qt::NoBrush);
      const QRectF r = toWidget(b.rect);
      painter.drawRect(r);
      drawTag(r, colour, tagText(b, false));
    }
  }
  if (!message_.isEmpty()) {
    const QRectF box = rect().adjusted(8, 8, -8, -8);
    painter.setPen(target.isEmpty() ? palette().color(QPalette::WindowText) : QColor(Qt::white));
    if (!target.isEmpty()) painter.fillRect(QRectF(box.left(), box.center().y() - 30, box.width(), 60), QColor(0, 0, 0, 160));
    painter.drawText(box, Qt::AlignCenter | Qt::TextWordWrap, message_);
  }
}

}  // namespace whittle::ui
