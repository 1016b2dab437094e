#pragma once
// The project's variants as a tree (each under the variant it was made
// from, the original model at the root) with their kind and metrics. A
// double-click asks the main window to open that variant's model.
#include <QString>
#include <QTreeWidget>

#include "io/project_file.h"  // plain structs, no LibTorch

namespace whittle::ui {

// A variant kind for display ("pruned" -> "pruned" or "geprunt"); unknown
// kinds as they are.
QString variantKindTitle(const QString& kind);

class VariantsPanel : public QTreeWidget {
  Q_OBJECT

 public:
  explicit VariantsPanel(QWidget* parent = nullptr);

  void setProject(const whittle::Project& project);
  void clearProject();
  // The selected variant's name; "" for the original model or none.
  QString selectedVariant() const;
  int variantCount() const { return variantCount_; }

 signals:
  // "" : the original model.
  void variantActivated(const QString& name);

 private:
  int variantCount_ = 0;
};

}  // namespace whittle::ui
