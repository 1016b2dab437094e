#pragma once
// The ratio editor's per-row control: a slider and a spin box for one pruning
// ratio, kept in step, and the delegate that keeps one open in every row of
// the ratio column (each change commits to the model at once).
#include <QStyledItemDelegate>
#include <QWidget>
#include <functional>

class QDoubleSpinBox;
class QSlider;

namespace whittle::ui {

inline constexpr int kSliderSteps = 990;  // slider position / 1000 = ratio, at most 0.99
inline constexpr double kMaxRatio = 0.99;

// A slider and a spin box for one ratio, kept in step; `changed` runs on a
// user change of either.
class RatioControl : public QWidget {
 public:
  explicit RatioControl(QWidget* parent = nullptr);
  double value() const;
  void setValue(double ratio);  // no `changed`
  QSlider* slider() const { return slider_; }
  QDoubleSpinBox* spin() const { return spin_; }

  std::function<void()> changed;

 private:
  QSlider* slider_ = nullptr;
  QDoubleSpinBox* spin_ = nullptr;
};

// Persistent RatioControl editors in the ratio column: every change commits.
class RatioDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;

  QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex&) const override;
  void setEditorData(QWidget* editor, const QModelIndex& index) const override;
  void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override;
  void updateEditorGeometry(QWidget* editor, const QStyleOptionViewItem& option, const QModelIndex&) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace whittle::ui
