#include "ui/guided_tour.h"

#include <QCheckBox>
#include <QDockWidget>
#include <QFont>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace whittle::ui {

namespace {

const char kTourDoneKey[] = "tour/done";
constexpr int kHighlightMs = 2000;

}  // namespace

GuidedTour::GuidedTour(QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("guidedTour"));
  setWindowTitle(tr("Guided Tour"));
  setModal(false);

  steps_ = {
      {tr("Filters: what pruning removes"),
       tr("A convolution layer is a stack of filters; each filter makes one output channel, a feature map that the "
          "next layers read. Pruning removes whole filters, together with the weights of the next layers that read "
          "their channels. What is left is a smaller but ordinary dense network, so it runs faster on any hardware. "
          "Click a layer in the graph to see its filters."),
       QStringLiteral("graphView")},
      {tr("How importance is scored"),
       tr("Before filters are removed, each one gets a score for how much it matters. L1 is the sum of the absolute "
          "values of a filter's weights: small weights, little effect. Taylor multiplies each activation by its "
          "gradient on images of the data set, |activation × gradient|, an estimate of how much the loss would change "
          "without the filter. In the heatmap each cell is one filter, brighter is more important, and crossed-out "
          "cells are the ones the plan removes; the histogram shows how the scores spread and where the cut-off "
          "lies."),
       QStringLiteral("importancePanel")},
      {tr("Why adds and concats couple layers"),
       tr("A residual add sums two layers' outputs channel by channel, so channels that are added together must be "
          "removed together. A concat lays its inputs' channels side by side, so the layers reading it lose exactly "
          "the channels its inputs lose; a depthwise convolution ties its input and output channels the same way. "
          "Select a layer and every layer coupled to it lights up in orange; the Inspector lists its channel groups."),
       QStringLiteral("nodeInspector")},
      {tr("Pruning ratios and the totals"),
       tr("Each row is a group of coupled channels: how many it has, the ratio to remove, how many are kept, a lock "
          "that keeps its ratio, and the criterion that picks the filters. The totals line compares the plan with "
          "the original: parameters, MACs (multiply-accumulates per image), measured latency and file size. MACs "
          "fall in proportion to the removed channels, but latency does not: small layers are dominated by memory "
          "traffic and overheads and barely get faster. Give a MAC or latency target and Fill lets the planner choose "
          "the ratios."),
       QStringLiteral("ratioEditor")},
      {tr("Fine-tuning wins back mAP"),
       tr("Right after pruning the network has lost features it had learned, and its mAP drops. A short fine-tuning "
          "run trains the smaller network on the data set again and wins back most of the lost mAP. Start it from "
          "the Jobs menu; the loss and mAP curves grow while it runs, and the result becomes a new variant."),
       QStringLiteral("jobsPanel")},
      {tr("What int8 costs and gains"),
       tr("Quantization stores each weight as an 8-bit integer instead of a 32-bit float: the weights take 4× less "
          "space and integer kernels run faster on most CPUs. The price is a small rounding error in every layer, "
          "and together these errors can cost some mAP. Layers that turn out to be sensitive, often the detection "
          "head, can stay in fp32 while the rest runs in int8."),
       QStringLiteral("jobsPanel")},
      {tr("Comparing the results"),
       tr("The Results tab puts the original and every variant side by side: mAP, parameters, MACs, file size, time "
          "per image and energy, each with its ratio to the original. The plots show mAP against size, latency and "
          "MACs; points on the Pareto front are the best trade-offs. Hover over a column header to read what its "
          "measure means."),
       QStringLiteral("resultsDashboard")},
  };

  counter_ = new QLabel(this);
  counter_->setObjectName(QStringLiteral("tourCounter"));
  title_ = new QLabel(this);
  title_->setObjectName(QStringLiteral("tourTitle"));
  QFont font = title_->font();
  font.setBold(true);
  font.setPointSizeF(font.pointSizeF() * 1.25);
  title_->setFont(font);
  title_->setWordWrap(true);
  text_ = new QLabel(this);
  text_->setObjectName(QStringLiteral("tourText"));
  text_->setWordWrap(true);
  text_->setTextFormat(Qt::PlainText);
  text_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  text_->setMinimumWidth(420);

  dontShow_ = new QCheckBox(tr("&Don't show again"), this);
  dontShow_->setObjectName(QStringLiteral("tourDontShow"));
  dontShow_->setChecked(!shouldShow());
  connect(dontShow_, &QCheckBox::toggled, this, [](bool checked) { setDone(checked); });

  backButton_ = new QPushButton(tr("&Back"), this);
  backButton_->setObjectName(QStringLiteral("tourBack"));
  backButton_->setAutoDefault(false);
  nextButton_ = new QPushButton(this);
  nextButton_->setObjectName(QStringLiteral("tourNext"));
  nextButton_->setDefault(true);
  closeButton_ = new QPushButton(tr("&Close"), this);
  closeButton_->setObjectName(QStringLiteral("tourClose"));
  closeButton_->setAutoDefault(false);
  connect(backButton_, &QPushButton::clicked, this, &GuidedTour::back);
  connect(nextButton_, &QPushButton::clicked, this, &GuidedTour::next);
  connect(closeButton_, &QPushButton::clicked, this, &QDialog::close);

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(dontShow_);
  buttons->addStretch(1);
  buttons->addWidget(backButton_);
  buttons->addWidget(nextButton_);
  buttons->addWidget(closeButton_);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(counter_);
  layout->addWidget(title_);
  layout->addWidget(text_, 1);
  layout->addLayout(buttons);

  showStep();
}

int GuidedTour::stepCount() const { return static_cast<int>(steps_.size()); }

QString GuidedTour::stepTitle(int step) const {
  return step >= 0 && step < stepCount() ? steps_[step].title : QString();
}

QString GuidedTour::stepText(int step) const {
  return step >= 0 && step < stepCount() ? steps_[step].text : QString();
}

QString GuidedTour::stepTarget(int step) const {
  return step >= 0 && step < stepCount() ? steps_[step].target : QString();
}

void GuidedTour::setStep(int step) {
  step_ = std::clamp(step, 0, stepCount() - 1);
  showStep();
  emit stepChanged(step_, steps_[step_].target);
}

void GuidedTour::next() {
  if (step_ + 1 < stepCount())
    setStep(step_ + 1);
  else
    close();
}

void GuidedTour::back() {
  if (step_ > 0) setStep(step_ - 1);
}

void GuidedTour::showStep() {
  const Step& s = steps_[step_];
  counter_->setText(tr("Step %1 of %2").arg(step_ + 1).arg(stepCount()));
  title_->setText(s.title);
  text_->setText(s.text);
  backButton_->setEnabled(step_ > 0);
  nextButton_->setText(step_ + 1 < stepCount() ? tr("&Next") : tr("&Finish"));
}

bool GuidedTour::shouldShow() { return !QSettings().value(QLatin1String(kTourDoneKey), false).toBool(); }

void GuidedTour::setDone(bool done) { QSettings().setValue(QLatin1String(kTourDoneKey), done); }

QStringList GuidedTour::targetNames() {
  return {QStringLiteral("graphView"),     QStringLiteral("nodeInspector"), QStringLiteral("importancePanel"),
          QStringLiteral("ratioEditor"),   QStringLiteral("resultsDashboard"), QStringLiteral("jobsPanel")};
}

QWidget* GuidedTour::revealTarget(QWidget* root, const QString& target) {
  if (root == nullptr || target.isEmpty()) return nullptr;
  QWidget* widget = root->objectName() == target ? root : root->findChild<QWidget*>(target);
  if (widget == nullptr) return nullptr;
  // From the widget outwards: make each tab holding it current, show its dock.
  QWidget* child = widget;
  for (QWidget* parent = widget->parentWidget(); parent != nullptr; child = parent, parent = parent->parentWidget()) {
    if (auto* tabs = qobject_cast<QTabWidget*>(parent)) {
      const int index = tabs->indexOf(child);
      if (index >= 0) tabs->setCurrentIndex(index);
    } else if (auto* tabs = qobject_cast<QTabWidget*>(parent->parentWidget())) {
      // QTabWidget's pages sit in its internal QStackedWidget.
      const int index = tabs->indexOf(child);
      if (index >= 0) tabs->setCurrentIndex(index);
    }
    if (auto* dock = qobject_cast<QDockWidget*>(parent)) {
      dock->show();
      dock->raise();  // to the front of its tabified siblings
    }
    if (parent == root) break;
  }
  // A short orange outline over it, like the coupled layers in the graph.
  for (QFrame* old : widget->findChildren<QFrame*>(QStringLiteral("tourHighlight"), Qt::FindDirectChildrenOnly))
    old->deleteLater();
  auto* frame = new QFrame(widget);
  frame->setObjectName(QStringLiteral("tourHighlight"));
  frame->setAttribute(Qt::WA_TransparentForMouseEvents);
  frame->setStyleSheet(
      QStringLiteral("QFrame#tourHighlight { border: 3px solid #f28c28; border-radius: 4px; background: transparent; }"));
  frame->setGeometry(widget->rect());
  frame->raise();
  frame->show();
  QTimer::singleShot(kHighlightMs, frame, &QObject::deleteLater);
  return widget;
}

}  // namespace whittle::ui
