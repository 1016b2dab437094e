#include "ui/settings_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "ui/application.h"

namespace whittle::ui {

SettingsDialog::SettingsDialog(QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("settingsDialog"));
  setWindowTitle(tr("Preferences"));

  languageBox_ = new QComboBox(this);
  languageBox_->setObjectName(QStringLiteral("languageBox"));
  languageBox_->addItem(tr("System default"), QString());
  // Each language named in itself, so a user can find their own.
  languageBox_->addItem(QStringLiteral("English"), QStringLiteral("en"));
  languageBox_->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
  languageBox_->setToolTip(tr("The language of menus, labels and messages"));

  auto* note = new QLabel(tr("The new language applies the next time Whittle starts."), this);
  note->setObjectName(QStringLiteral("restartNote"));
  note->setWordWrap(true);

  auto* form = new QFormLayout;
  form->addRow(tr("&Language:"), languageBox_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(note);
  layout->addStretch();
  layout->addWidget(buttons);

  setLanguage(storedLanguage());
}

bool SettingsDialog::edit(QWidget* parent) {
  SettingsDialog dialog(parent);
  return dialog.exec() == QDialog::Accepted;
}

QString SettingsDialog::language() const { return languageBox_->currentData().toString(); }

void SettingsDialog::setLanguage(const QString& language) {
  const int index = languageBox_->findData(language);
  languageBox_->setCurrentIndex(index >= 0 ? index : 0);
}

void SettingsDialog::save() const { storeLanguage(language()); }

void SettingsDialog::accept() {
  save();
  QDialog::accept();
}

}  // namespace whittle::ui
