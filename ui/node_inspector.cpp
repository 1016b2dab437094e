// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "graph/cost_model.h"
#include "graph/graph.h"
#include "prune/channel_groups.h"

#include "ui/node_inspector.h"

#include <QLocale>
#include <QStringList>
#include <QUrl>
#include <set>

namespace whittle::ui {

namespace {

QString shapeText(const Shape& shape) {
  QStringList dims;
  for (int64_t d : shape) dims << QString::number(d);
  return QLatin1Char('[') + dims.join(QStringLiteral(" × ")) + QLatin1Char(']');
}

QString escaped(const std::string& text) { return QString::fromStdString(text).toHtmlEscaped(); }

// How a layer takes part in a channel group, in the UI language.
QString roleTitle(ChannelRole role) {
  switch (role) {
    case ChannelRole::Filters: return NodeInspector::tr("filters (output channels)");
    case ChannelRole::Depthwise: return NodeInspector::tr("depthwise filters");
    case ChannelRole::Norm: return NodeInspector::tr("normalization");
    case ChannelRole::ConvInput: return NodeInspector::tr("convolution input");
    case ChannelRole::LinearInput: return NodeInspector::tr("linear layer input");
    case ChannelRole::PassThrough: return NodeInspector::tr("passed through");
  }
  return QString::fromLatin1(channel_role_name(role));
}

QString nodeLink(const std::string& name) {
  return QStringLiteral("<a href=\"node:%1\">%2</a>")
      .arg(QString::fromLatin1(QUrl::toPercentEncoding(QString::fromStdString(name))),
           escaped(name));
}

}  // namespace

NodeInspector::NodeInspector(QWidget* parent) : QTextBrowser(parent) {
  setObjectName(QStringLiteral("nodeInspector"));
  setOpenLinks(false);
  connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
    const QString text = url.toString();
    if (text.startsWith(QStringLiteral("node:"))) {
      emit nodeActivated(QUrl::fromPercentEncoding(text.mid(5).toLatin1()));
    }
  });
  showPlaceholder();
}

void NodeInspector::setModel(const Graph* graph, const GraphCost* cost,
                             const ChannelGroups* groups) {
  graph_ = graph;
  cost_ = cost;
  groups_ = groups;
  latency_.clear();
  node_.clear();
  showPlaceholder();
}

void NodeInspector::clear() { setModel(nullptr, nullptr, nullptr); }

void NodeInspector::setLatency(const QHash<QString, double>& msByNode) {
  latency_ = msByNode;
  if (!node_.isEmpty()) showNode(node_);
}

void NodeInspector::showPlaceholder() {
  setHtml(graph_ == nullptr ? tr("<p><i>No model.</i></p>")
                            : tr("<p><i>Select a layer in the graph or the table.</i></p>"));
}

bool NodeInspector::showNode(const QString& name) {
  const int index = graph_ == nullptr ? -1 : graph_->find_node(name.toStdString());
  if (index < 0) {
    node_.clear();
    showPlaceholder();
    return false;
  }
  node_ = name;
  const Node& node = graph_->nodes[static_cast<size_t>(index)];
  const QLocale locale;
  QString html;
  html += QStringLiteral("<h3>%1</h3>").arg(escaped(node.name));
  html += QStringLiteral("<table cellspacing=\"2\">");
  auto row = [&html](const QString& key, const QString& value) {
    html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(key, value);
  };
  row(tr("Op"), escaped(std::string(op_name(node.op))));
  for (const auto& [key, value] : node.attrs.all()) row(escaped(key), escaped(format_attr(value)));
  QStringList inputs;
  for (const std::string& input : node.inputs) {
    const int producer = graph_->producer(input);
    inputs << (producer >= 0 ? nodeLink(graph_->nodes[static_cast<size_t>(producer)].name)
                             : escaped(input));
  }
  row(tr("Inputs"), inputs.join(QStringLiteral(", ")));
  QStringList consumers;
  for (int consumer : graph_->consumers(node.output)) {
    consumers << nodeLink(graph_->nodes[static_cast<size_t>(consumer)].name);
  }
  if (graph_->is_output(node.output)) consumers << tr("<i>graph output</i>");
  row(tr("Consumers"), consumers.isEmpty() ? tr("none") : consumers.join(QStringLiteral(", ")));
  if (cost_ != nullptr && static_cast<size_t>(index) < cost_->nodes.size()) {
    const NodeCost& cost = cost_->nodes[static_cast<size_t>(index)];
    row(tr("Output"), shapeText(cost.output_shape));
    row(tr("Parameters"), locale.toString(static_cast<qlonglong>(cost.params)));
    row(tr("MACs"), locale.toString(static_cast<qlonglong>(cost.macs)));
    if (cost_->macs > 0) {
      row(tr("Share of MACs"),
          locale.toString(100.0 * static_cast<double>(cost.macs) / static_cast<double>(cost_->macs),
                          'f', 2) + QStringLiteral(" %"));
    }
  }
  if (latency_.contains(name)) {
    row(tr("Latency"), locale.toString(latency_.value(name), 'f', 3) + QStringLiteral(" ms"));
  }
  for (const auto& [key, tensor] : node.weights) {
    QStringList dims;
    for (int64_t d : tensor.sizes()) dims << QString::number(d);
    row(tr("Weight %1").arg(escaped(key)),
        QLatin1Char('[') + dims.join(QStringLiteral(" × ")) + QLatin1Char(']'));
  }
  html += QStringLiteral("</table>");

  if (groups_ != nullptr) {
    QString groupsHtml;
    for (const ChannelGroup& group : groups_->groups) {
      const ChannelMember* self = nullptr;
      for (const ChannelMember& member : group.members) {
        if (member.node == node.name) self = &member;
      }
      if (self == nullptr) continue;
      groupsHtml += QStringLiteral("<li><b>%1</b> — %2, ")
                        .arg(escaped(group.name),
                             tr("%n channel(s)", nullptr, static_cast<int>(group.channels)));
      groupsHtml += group.prunable ? tr("prunable")
                                   : tr("not prunable: %1").arg(escaped(group.reason));
      groupsHtml += QStringLiteral("<br>") + tr("here as: %1").arg(roleTitle(self->role).toHtmlEscaped());
      std::set<std::string> partners;
      for (const ChannelMember& member : group.members) {
        if (member.node != node.name && member.role != ChannelRole::PassThrough) {
          partners.insert(member.node);
        }
      }
      if (!partners.empty()) {
        QStringList links;
        for (const std::string& partner : partners) links << nodeLink(partner);
        groupsHtml += QStringLiteral("<br>") + tr("coupled with: %1").arg(links.join(QStringLiteral(", ")));
      }
      groupsHtml += QStringLiteral("</li>");
    }
    if (!groupsHtml.isEmpty()) {
      html += QStringLiteral("<h4>%1</h4><ul>%2</ul>").arg(tr("Channel groups"), groupsHtml);
    }
  }
  setHtml(html);
  return true;
}

}  // namespace whittle::ui
