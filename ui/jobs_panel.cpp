#include "ui/jobs_panel.h"

#include <QFont>
#include <QFrame>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace whittle::ui {

JobsPanel::JobsPanel(JobRunner* runner, QWidget* parent) : QWidget(parent), runner_(runner) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(4, 4, 4, 4);

  auto* bar = new QHBoxLayout;
  empty_ = new QLabel(tr("No jobs yet: fine-tune, sensitivity scans, quantization, evaluation and "
                         "benchmarks run here in the background."),
                      this);
  empty_->setWordWrap(true);
  clear_ = new QPushButton(tr("Clear finished"), this);
  clear_->setObjectName(QStringLiteral("clearFinishedButton"));
  clear_->setEnabled(false);
  connect(clear_, &QPushButton::clicked, this, &JobsPanel::clearFinished);
  bar->addWidget(empty_, 1);
  bar->addWidget(clear_, 0, Qt::AlignTop);
  outer->addLayout(bar);

  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* content = new QWidget(scroll);
  list_ = new QVBoxLayout(content);
  list_->setContentsMargins(0, 0, 0, 0);
  list_->addStretch(1);
  scroll->setWidget(content);
  outer->addWidget(scroll, 1);

  if (runner_ == nullptr) return;
  connect(runner_, &JobRunner::added, this, &JobsPanel::addRow);
  connect(runner_, &JobRunner::started, this, [this](int id, const QString&) { onStarted(id); });
  connect(runner_, &JobRunner::progress, this, &JobsPanel::onProgress);
  connect(runner_, &JobRunner::logLine, this, &JobsPanel::onLogLine);
  connect(runner_, &JobRunner::finished, this, &JobsPanel::onFinished);
  // Jobs started before the panel existed.
  for (int id : runner_->jobIds()) {
    addRow(id, runner_->title(id));
    const JobStatus s = runner_->status(id);
    if (s == JobStatus::Running) onStarted(id);
    else if (s != JobStatus::Queued) onFinished(id, s, runner_->summary(id));
  }
}

JobsPanel::Row* JobsPanel::find(int id) {
  auto it = rows_.find(id);
  return it == rows_.end() ? nullptr : &it->second;
}

const JobsPanel::Row* JobsPanel::find(int id) const {
  auto it = rows_.find(id);
  return it == rows_.end() ? nullptr : &it->second;
}

QWidget* JobsPanel::row(int id) const {
  const Row* r = find(id);
  return r ? r->widget : nullptr;
}

QString JobsPanel::statusText(int id) const {
  const Row* r = find(id);
  return r ? r->status->text() : QString();
}

QString JobsPanel::etaText(int id) const {
  const Row* r = find(id);
  return r ? r->eta->text() : QString();
}

QString JobsPanel::logText(int id) const {
  const Row* r = find(id);
  return r ? r->log->toPlainText() : QString();
}

int JobsPanel::progressValue(int id) const {
  const Row* r = find(id);
  return r ? r->bar->value() : -1;
}

void JobsPanel::addRow(int id, const QString& title) {
  if (find(id)) return;
  Row r;
  r.widget = new QFrame;
  static_cast<QFrame*>(r.widget)->setFrameShape(QFrame::StyledPanel);
  r.widget->setObjectName(QStringLiteral("job-%1").arg(id));
  auto* layout = new QVBoxLayout(r.widget);

  auto* top = new QHBoxLayout;
  auto* name = new QLabel(title, r.widget);
  QFont bold = name->font();
  bold.setBold(true);
  name->setFont(bold);
  r.status = new QLabel(tr("Queued"), r.widget);
  r.status->setObjectName(QStringLiteral("statusLabel"));
  r.cancel = new QPushButton(tr("Cancel"), r.widget);
  r.cancel->setObjectName(QStringLiteral("cancelButton"));
  r.cancel->setToolTip(tr("Stop this job; files saved before stay as they are"));
  connect(r.cancel, &QPushButton::clicked, this, [this, id] {
    if (Row* row = find(id)) row->cancel->setEnabled(false);
    if (runner_) runner_->cancel(id);
  });
  top->addWidget(name, 1);
  top->addWidget(r.status);
  top->addWidget(r.cancel);
  layout->addLayout(top);

  auto* middle = new QHBoxLayout;
  r.bar = new QProgressBar(r.widget);
  r.bar->setRange(0, 1000);
  r.bar->setValue(0);
  r.bar->setTextVisible(true);
  r.bar->setFormat(QStringLiteral("%p%"));
  r.eta = new QLabel(r.widget);
  r.eta->setObjectName(QStringLiteral("etaLabel"));
  r.eta->setMinimumWidth(r.eta->fontMetrics().horizontalAdvance(QStringLiteral("ETA 00:00:00")));
  middle->addWidget(r.bar, 1);
  middle->addWidget(r.eta);
  layout->addLayout(middle);

  r.message = new QLabel(r.widget);
  r.message->setObjectName(QStringLiteral("messageLabel"));
  r.message->setWordWrap(true);
  r.message->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(r.message);

  r.log = new QPlainTextEdit(r.widget);
  r.log->setObjectName(QStringLiteral("logView"));
  r.log->setReadOnly(true);
  r.log->setMaximumBlockCount(kLogLines);
  r.log->setLineWrapMode(QPlainTextEdit::NoWrap);
  r.log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  r.log->setFixedHeight(r.log->fontMetrics().lineSpacing() * 4 + 12);
  layout->addWidget(r.log);

  list_->insertWidget(list_->count() - 1, r.widget);  // above the stretch
  rows_.emplace(id, r);
  empty_->hide();
}

void JobsPanel::onStarted(int id) {
  if (Row* r = find(id)) r->status->setText(tr("Running"));
}

void JobsPanel::onProgress(int id, double fraction, const QString& message, double eta) {
  Row* r = find(id);
  if (r == nullptr || r->done) return;
  if (fraction < 0) {
    r->bar->setRange(0, 0);  // busy
  } else {
    r->bar->setRange(0, 1000);
    r->bar->setValue(static_cast<int>(std::lround(std::min(fraction, 1.0) * 1000)));
  }
  r->eta->setText(eta >= 0 ? tr("ETA %1").arg(durationText(eta)) : QString());
  r->message->setText(message);
}

void JobsPanel::onLogLine(int id, const QString& line) {
  if (Row* r = find(id)) r->log->appendPlainText(line);
}

void JobsPanel::onFinished(int id, JobStatus status, const QString& message) {
  Row* r = find(id);
  if (r == nullptr) return;
  r->done = true;
  r->cancel->setEnabled(false);
  r->cancel->hide();
  r->eta->clear();
  if (r->bar->maximum() == 0) r->bar->setRange(0, 1000);
  switch (status) {
    case JobStatus::Succeeded:
      r->status->setText(tr("Finished"));
      r->bar->setValue(1000);
      break;
    case JobStatus::Cancelled:
      r->status->setText(tr("Cancelled"));
      break;
    case JobStatus::Failed:
      r->status->setText(tr("Failed"));
      r->status->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold;"));
      break;
    default:
      break;
  }
  r->message->setText(message);
  clear_->setEnabled(true);
}

void JobsPanel::clearFinished() {
  for (auto it = rows_.begin(); it != rows_.end();) {
    if (it->second.done) {
      delete it->second.widget;
      it = rows_.erase(it);
    } else {
      ++it;
    }
  }
  clear_->setEnabled(false);
  empty_->setVisible(rows_.empty());
}

}  // namespace whittle::ui
