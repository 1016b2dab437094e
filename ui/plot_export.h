#pragma once
// Exports a QCustomPlot to a file: PNG (raster), SVG and PDF (vector).
#include <QString>
#include <QStringList>

class QCustomPlot;

namespace whittle::ui {

// The format comes from the suffix of `path`: .png, .svg or .pdf (any case).
// width/height 0: the plot's own size (at least 640 × 400). Returns false,
// with the reason in *error, for another suffix or a file that could not be
// written or came out empty.
bool exportPlot(QCustomPlot* plot, const QString& path, int width = 0, int height = 0, QString* error = nullptr);

// The suffixes exportPlot writes: "png", "svg", "pdf".
QStringList plotExportSuffixes();
// File-dialog filters for them: "PNG image (*.png);;SVG drawing (*.svg);;PDF (*.pdf)".
QString plotExportFilter();

}  // namespace whittle::ui
