#include "ui/ratio_control.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QSignalBlocker>
#include <QSlider>
#include <algorithm>
#include <cmath>

namespace whittle::ui {

RatioControl::RatioControl(QWidget* parent) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(2, 0, 2, 0);
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setRange(0, kSliderSteps);
  slider_->setSingleStep(10);
  slider_->setPageStep(100);
  spin_ = new QDoubleSpinBox(this);
  spin_->setRange(0, kMaxRatio);
  spin_->setDecimals(3);
  spin_->setSingleStep(0.01);
  spin_->setAccelerated(true);
  layout->addWidget(slider_, 1);
  layout->addWidget(spin_);
  setFocusProxy(spin_);
  connect(slider_, &QSlider::valueChanged, this, [this](int v) {
    {
      const QSignalBlocker block(spin_);
      spin_->setValue(v / 1000.0);
    }
    if (changed) changed();
  });
  connect(spin_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    {
      const QSignalBlocker block(slider_);
      slider_->setValue(static_cast<int>(std::lround(v * 1000)));
    }
    if (changed) changed();
  });
}

double RatioControl::value() const { return spin_->value(); }

void RatioControl::setValue(double ratio) {
  const QSignalBlocker a(slider_), b(spin_);
  spin_->setValue(ratio);
  slider_->setValue(static_cast<int>(std::lround(ratio * 1000)));
}

QWidget* RatioDelegate::createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex&) const {
  auto* editor = new RatioControl(parent);
  editor->setObjectName(QStringLiteral("ratioControl"));
  auto* self = const_cast<RatioDelegate*>(this);
  editor->changed = [self, editor] { emit self->commitData(editor); };
  return editor;
}

void RatioDelegate::setEditorData(QWidget* editor, const QModelIndex& index) const {
  static_cast<RatioControl*>(editor)->setValue(index.data(Qt::EditRole).toDouble());
}

void RatioDelegate::setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const {
  model->setData(index, static_cast<RatioControl*>(editor)->value(), Qt::EditRole);
}

void RatioDelegate::updateEditorGeometry(QWidget* editor, const QStyleOptionViewItem& option,
                                         const QModelIndex&) const {
  editor->setGeometry(option.rect);
}

QSize RatioDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
  QSize size = QStyledItemDelegate::sizeHint(option, index);
  return {std::max(size.width(), 220), size.height()};
}

}  // namespace whittle::ui
