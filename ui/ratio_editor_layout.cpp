// RatioEditor's widgets and their connections (buildUi); what they edit is
// ratio_editor.cpp's.
// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include <ATen/ATen.h>

#include "ui/ratio_editor.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/ratio_control.h"
#include "ui/ratio_table_model.h"

namespace whittle::ui {

void RatioEditor::buildUi() {
  auto* layout = new QVBoxLayout(this);

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Global ratio:"), this));
  globalSlider_ = new QSlider(Qt::Horizontal, this);
  globalSlider_->setObjectName(QStringLiteral("globalRatioSlider"));
  globalSlider_->setRange(0, kSliderSteps);
  globalSlider_->setToolTip(tr("The same ratio for every unlocked group"));
  globalSpin_ = new QDoubleSpinBox(this);
  globalSpin_->setObjectName(QStringLiteral("globalRatioSpin"));
  globalSpin_->setRange(0, kMaxRatio);
  globalSpin_->setDecimals(3);
  globalSpin_->setSingleStep(0.01);
  controls->addWidget(globalSlider_, 1);
  controls->addWidget(globalSpin_);
  connect(globalSlider_, &QSlider::valueChanged, this, [this](int v) { setGlobalRatio(v / 1000.0); });
  connect(globalSpin_, &QDoubleSpinBox::valueChanged, this, [this](double v) { setGlobalRatio(v); });

  controls->addSpacing(16);
  controls->addWidget(new QLabel(tr("Target:"), this));
  targetKind_ = new QComboBox(this);
  targetKind_->setObjectName(QStringLiteral("targetKind"));
  targetKind_->addItem(tr("MACs"));
  targetKind_->addItem(tr("Latency"));
  targetKind_->setToolTip(tr("What the target limits: MACs (arithmetic per image) or latency measured per layer, "
                             "which small layers do not lose in proportion to their channels"));
  targetSpin_ = new QDoubleSpinBox(this);
  targetSpin_->setObjectName(QStringLiteral("targetSpin"));
  targetSpin_->setRange(0.01, 1.0);
  targetSpin_->setDecimals(2);
  targetSpin_->setSingleStep(0.05);
  targetSpin_->setValue(0.5);
  targetSpin_->setPrefix(tr("× "));
  targetSpin_->setToolTip(tr("A fraction of the original model's cost"));
  fillButton_ = new QPushButton(tr("Fill"), this);
  fillButton_->setObjectName(QStringLiteral("fillButton"));
  fillButton_->setToolTip(tr("Fill the unlocked rows' ratios from the planner so the cost reaches the target"));
  controls->addWidget(targetKind_);
  controls->addWidget(targetSpin_);
  controls->addWidget(fillButton_);
  connect(fillButton_, &QPushButton::clicked, this, [this] {
    if (targetKind_->currentIndex() == 1)
      fillToTargetLatency(targetSpin_->value());
    else
      fillToTargetMacs(targetSpin_->value());
  });

  controls->addSpacing(16);
  controls->addWidget(new QLabel(tr("Round to:"), this));
  auto* round = new QSpinBox(this);
  round->setObjectName(QStringLiteral("roundSpin"));
  round->setRange(1, 256);
  round->setToolTip(tr("Kept channels rounded to a multiple of this (the CLI's --round)"));
  controls->addWidget(round);
  connect(round, &QSpinBox::valueChanged, this, [this](int v) { setRoundTo(v); });
  layout->addLayout(controls);

  model_ = new RatioTableModel(this);
  table_ = new QTableView(this);
  table_->setObjectName(QStringLiteral("ratioTable"));
  table_->setModel(model_);
  table_->setItemDelegateForColumn(RatioTableModel::RatioColumn, new RatioDelegate(table_));
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);  // persistent editors do the editing
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(std::max(table_->verticalHeader()->defaultSectionSize(),
                                                           RatioControl().sizeHint().height() + 2));
  table_->horizontalHeader()->setSectionResizeMode(RatioTableModel::NameColumn, QHeaderView::Stretch);
  table_->horizontalHeader()->setSectionResizeMode(RatioTableModel::RatioColumn, QHeaderView::Fixed);
  table_->horizontalHeader()->resizeSection(RatioTableModel::RatioColumn, 240);
  layout->addWidget(table_, 1);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (current.isValid()) emit groupActivated(model_->row(current.row()).name);
          });
  connect(model_, &RatioTableModel::ratioEdited, this, [this](int row, double ratio) {
    setRatio(model_->row(row).name, ratio);
  });
  connect(model_, &RatioTableModel::lockEdited, this,
          [this](int row, bool locked) { setLocked(model_->row(row).name, locked); });

  totalsLabel_ = new QLabel(this);
  totalsLabel_->setObjectName(QStringLiteral("ratioTotalsLabel"));
  totalsLabel_->setWordWrap(true);
  totalsLabel_->setToolTip(tr("The original → the plan for params, MACs (multiply-accumulates per image), latency "
                              "from the measured layer table and the file size at fp32 and int8, with the share kept; "
                              "latency falls less than MACs, as small layers do not get faster in proportion."));
  totalsLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(totalsLabel_);
  errorLabel_ = new QLabel(this);
  errorLabel_->setObjectName(QStringLiteral("ratioErrorLabel"));
  errorLabel_->setWordWrap(true);
  errorLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
  errorLabel_->hide();
  layout->addWidget(errorLabel_);

  auto* buttons = new QHBoxLayout;
  loadButton_ = new QPushButton(tr("Load Plan…"), this);
  loadButton_->setObjectName(QStringLiteral("loadPlanButton"));
  saveButton_ = new QPushButton(tr("Save Plan…"), this);
  saveButton_->setObjectName(QStringLiteral("savePlanButton"));
  applyButton_ = new QPushButton(tr("Apply"), this);
  applyButton_->setObjectName(QStringLiteral("applyButton"));
  applyButton_->setToolTip(tr("Prune the model with this plan and add the result as a variant"));
  buttons->addWidget(loadButton_);
  buttons->addWidget(saveButton_);
  buttons->addStretch(1);
  buttons->addWidget(applyButton_);
  layout->addLayout(buttons);
  connect(loadButton_, &QPushButton::clicked, this, &RatioEditor::chooseLoadFile);
  connect(saveButton_, &QPushButton::clicked, this, &RatioEditor::chooseSaveFile);
  connect(applyButton_, &QPushButton::clicked, this, &RatioEditor::applyRequested);

  updateTotals();
  updateEnabled();
}

}  // namespace whittle::ui
