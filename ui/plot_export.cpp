#include "ui/plot_export.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSvgGenerator>
#include <algorithm>
#include <qcustomplot.h>

namespace whittle::ui {

class PlotExport {
  Q_DECLARE_TR_FUNCTIONS(PlotExport)
};

namespace {

bool saveSvg(QCustomPlot* plot, const QString& path, int width, int height, const QString& title) {
  QSvgGenerator generator;
  generator.setFileName(path);
  generator.setSize(QSize(width, height));
  generator.setViewBox(QRect(0, 0, width, height));
  generator.setTitle(title);
  generator.setDescription(QStringLiteral("Whittle"));
  QCPPainter painter;
  if (!painter.begin(&generator)) return false;
  plot->toPainter(&painter, width, height);
  return painter.end();
}

}  // namespace

QStringList plotExportSuffixes() { return {QStringLiteral("png"), QStringLiteral("svg"), QStringLiteral("pdf")}; }

QString plotExportFilter() {
  return PlotExport::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)");
}

bool exportPlot(QCustomPlot* plot, const QString& path, int width, int height, QString* error) {
  const auto fail = [error](const QString& why) {
    if (error) *error = why;
    return false;
  };
  if (plot == nullptr) return fail(PlotExport::tr("No plot to export."));
  if (width <= 0) width = std::max(plot->width(), 640);
  if (height <= 0) height = std::max(plot->height(), 400);
  const QFileInfo info(path);
  const QString suffix = info.suffix().toLower();
  if (!info.absoluteDir().exists() && !QDir().mkpath(info.absolutePath()))
    return fail(PlotExport::tr("Cannot create the folder %1.").arg(info.absolutePath()));
  bool ok = false;
  if (suffix == QLatin1String("png")) {
    ok = plot->savePng(path, width, height);
  } else if (suffix == QLatin1String("pdf")) {
    ok = plot->savePdf(path, width, height, QCP::epNoCosmetic);
  } else if (suffix == QLatin1String("svg")) {
    ok = saveSvg(plot, path, width, height, info.completeBaseName());
  } else {
    return fail(PlotExport::tr("Unknown plot format \"%1\": use .png, .svg or .pdf.").arg(info.suffix()));
  }
  if (!ok || QFileInfo(path).size() <= 0) return fail(PlotExport::tr("Could not write %1.").arg(path));
  return true;
}

}  // namespace whittle::ui
