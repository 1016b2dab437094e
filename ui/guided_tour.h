#pragma once
// A short, non-modal guided tour of the workbench for students: what a filter
// is, how importance is scored, why adds and concats couple layers, what the
// ratio editor's totals mean, fine-tuning, and what int8 costs and gains.
// Each step has a title, a few plain sentences and the object name of the
// part of the main window it is about ("graphView", "ratioEditor", ...);
// stepChanged() tells the main window which part to show and highlight
// (revealTarget() does both). "Don't show again" is stored in QSettings under
// "tour/done".
#include <QDialog>
#include <QPointer>
#include <QString>
#include <QVector>

class QCheckBox;
class QLabel;
class QPushButton;

namespace whittle::ui {

class GuidedTour : public QDialog {
  Q_OBJECT

 public:
  explicit GuidedTour(QWidget* parent = nullptr);

  int stepCount() const;
  int currentStep() const { return step_; }
  QString stepTitle(int step) const;   // "" outside 0..stepCount()-1
  QString stepText(int step) const;    // the sentences
  QString stepTarget(int step) const;  // an object name in the main window
  // Shows `step` (clamped to the steps) and emits stepChanged, even when it is
  // the current one: call setStep(0) after connecting to show the first target.
  void setStep(int step);

  // Whether the tour should open by itself: "Don't show again" not ticked.
  static bool shouldShow();
  static void setDone(bool done);  // what the checkbox stores
  // The object names step targets are taken from.
  static QStringList targetNames();
  // Finds the descendant of `root` named `target`, brings it into view (the
  // tab holding it becomes current, its dock shows and rises) and outlines it
  // for two seconds. Returns it, or nullptr when there is none.
  static QWidget* revealTarget(QWidget* root, const QString& target);

 signals:
  void stepChanged(int step, const QString& target);

 public slots:
  void next();  // on the last step: closes the tour
  void back();

 private:
  struct Step {
    QString title;
    QString text;
    QString target;
  };
  void showStep();

  QVector<Step> steps_;
  int step_ = 0;
  QLabel* counter_ = nullptr;
  QLabel* title_ = nullptr;
  QLabel* text_ = nullptr;
  QCheckBox* dontShow_ = nullptr;
  QPushButton* backButton_ = nullptr;
  QPushButton* nextButton_ = nullptr;
  QPushButton* closeButton_ = nullptr;
};

}  // namespace whittle::ui
