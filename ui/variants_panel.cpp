#include "ui/variants_panel.h"

#include <QFileInfo>
#include <QHash>
#include <QHeaderView>
#include <QLocale>

namespace whittle::ui {

namespace {

constexpr int kNameRole = Qt::UserRole + 1;

// Metrics shown as columns, in order; the rest go to the tooltip.
struct MetricColumn {
  const char* key;
  const char* title;
  double scale;
  int decimals;
  const char* toolTip;  // what the measure is, in a sentence
};
constexpr MetricColumn kColumns[] = {
    {"map", QT_TRANSLATE_NOOP("whittle::ui::VariantsPanel", "mAP"), 1.0, 4,
     QT_TRANSLATE_NOOP("whittle::ui::VariantsPanel",
                       "Mean average precision on the test images: how well the detector finds and places objects, "
                       "from 0 to 1.")},
    {"params", QT_TRANSLATE_NOOP("whittle::ui::VariantsPanel", "Params (M)"), 1e-6, 3,
     QT_TRANSLATE_NOOP("whittle::ui::VariantsPanel", "Number of weights and biases in the model, in millions.")},
    {"macs", QT_TRANSLATE_NOOP("whittle::ui::VariantsPanel", "GMACs"), 1e-9, 3,
     QT_TRANSLATE_NOOP("whittle::ui::VariantsPanel",
                       "Multiply-accumulate operations for one image, in billions: the model's arithmetic work.")},
    {"latency_ms", QT_TRANSLATE_NOOP("whittle::ui::VariantsPanel", "ms/image"), 1.0, 2,
     QT_TRANSLATE_NOOP("whittle::ui::VariantsPanel",
                       "Measured time to run one image at the variant's own precision, in milliseconds.")},
    {"file_bytes", QT_TRANSLATE_NOOP("whittle::ui::VariantsPanel", "File (MB)"), 1e-6, 2,
     QT_TRANSLATE_NOOP("whittle::ui::VariantsPanel", "Size of the model file on disk, in megabytes.")},
};

void fillMetrics(QTreeWidgetItem* item, const std::map<std::string, double>& metrics) {
  const QLocale locale;
  QStringList tooltip;
  for (const auto& [key, value] : metrics) {
    tooltip << QStringLiteral("%1: %2").arg(QString::fromStdString(key), locale.toString(value, 'g', 6));
  }
  int column = 2;
  for (const MetricColumn& metric : kColumns) {
    const auto found = metrics.find(metric.key);
    if (found != metrics.end()) {
      item->setText(column, locale.toString(found->second * metric.scale, 'f', metric.decimals));
      item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
    }
    ++column;
  }
  if (!tooltip.isEmpty()) item->setToolTip(0, tooltip.join(QLatin1Char('\n')));
}

// The project file's kind ("pruned", ...) in the UI language; unknown kinds as stored.
}  // namespace

QString variantKindTitle(const QString& kind) {
  if (kind == QLatin1String("pruned")) return VariantsPanel::tr("pruned");
  if (kind == QLatin1String("finetuned")) return VariantsPanel::tr("fine-tuned");
  if (kind == QLatin1String("quantized")) return VariantsPanel::tr("quantized");
  if (kind == QLatin1String("exported")) return VariantsPanel::tr("exported");
  if (kind == QLatin1String("original")) return VariantsPanel::tr("original");
  return kind;
}

VariantsPanel::VariantsPanel(QWidget* parent) : QTreeWidget(parent) {
  setObjectName(QStringLiteral("variantsPanel"));
  QStringList headers{tr("Variant"), tr("Kind")};
  for (const MetricColumn& metric : kColumns) headers << tr(metric.title);
  setHeaderLabels(headers);
  headerItem()->setToolTip(0, tr("The original model and the variants made from it, each under the one it was made from."));
  headerItem()->setToolTip(1, tr("How the variant was made: pruned, fine-tuned, quantized or exported."));
  int column = 2;
  for (const MetricColumn& metric : kColumns) headerItem()->setToolTip(column++, tr(metric.toolTip));
  setRootIsDecorated(true);
  setAlternatingRowColors(true);
  header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  connect(this, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item, int) {
    emit variantActivated(item->data(0, kNameRole).toString());
  });
}

void VariantsPanel::clearProject() {
  clear();
  variantCount_ = 0;
}

void VariantsPanel::setProject(const Project& project) {
  clearProject();
  auto* root = new QTreeWidgetItem(this);
  root->setText(0, project.model.empty() ? tr("(original)")
                                         : QFileInfo(QString::fromStdString(project.model)).fileName());
  root->setText(1, tr("original"));
  root->setData(0, kNameRole, QString());
  root->setToolTip(0, QString::fromStdString(project.model));
  QHash<QString, QTreeWidgetItem*> items;
  for (const ProjectVariant& variant : project.variants) {
    const QString parentName = QString::fromStdString(variant.parent);
    QTreeWidgetItem* parent = parentName.isEmpty() ? root : items.value(parentName, root);
    auto* item = new QTreeWidgetItem(parent);
    const QString name = QString::fromStdString(variant.name);
    item->setText(0, name);
    item->setText(1, variantKindTitle(QString::fromStdString(variant.kind)));
    item->setData(0, kNameRole, name);
    fillMetrics(item, variant.metrics);
    items.insert(name, item);
    ++variantCount_;
  }
  expandAll();
}

QString VariantsPanel::selectedVariant() const {
  const QList<QTreeWidgetItem*> selected = selectedItems();
  return selected.isEmpty() ? QString() : selected.front()->data(0, kNameRole).toString();
}

}  // namespace whittle::ui
