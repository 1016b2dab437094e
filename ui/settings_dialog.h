#pragma once
// Preferences: the UI language (stored under "ui/language" with QSettings,
// read by `whittle` at start when --lang is not given).
#include <QDialog>

class QComboBox;

namespace whittle::ui {

class SettingsDialog : public QDialog {
  Q_OBJECT

 public:
  explicit SettingsDialog(QWidget* parent = nullptr);

  // Shows the dialog modally; on OK stores the choices. True when the user
  // pressed OK. The main window's "Preferences…" action calls this.
  static bool edit(QWidget* parent);

  // The language chosen in the combo: "" (the system's), "en" or "de".
  QString language() const;
  void setLanguage(const QString& language);

  // Stores the choices in QSettings (accept() does this too).
  void save() const;

  void accept() override;

 private:
  QComboBox* languageBox_ = nullptr;
};

}  // namespace whittle::ui
