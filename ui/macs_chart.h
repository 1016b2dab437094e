#pragma once
// Bar chart (QCustomPlot) of the layers with the most MACs, largest on top.
#include <QStringList>
#include <QWidget>

class QCPBars;
class QCustomPlot;

namespace whittle {
struct GraphCost;
}

namespace whittle::ui {

class MacsChart : public QWidget {
  Q_OBJECT

 public:
  explicit MacsChart(QWidget* parent = nullptr);

  // Shows the `limit` nodes of `cost` with the most MACs (ties: graph order);
  // nodes without MACs are left out.
  void setCost(const whittle::GraphCost& cost, int limit = 20);
  void clear();

  // Layer names of the bars, largest first.
  QStringList barNames() const { return names_; }
  QCustomPlot* plot() const { return plot_; }

 private:
  QCustomPlot* plot_ = nullptr;
  QCPBars* bars_ = nullptr;
  QStringList names_;
};

}  // namespace whittle::ui
