#include "insights/exports.h"

#include <boost/json.hpp>
#include <cstdio>
#include <memory>
#include <system_error>

#include "analytics/masking.h"
#include "base/random.h"
#include "base/time_format.h"

namespace vitrina::insights {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::size_t kFlushBytes = 64 * 1024;

struct KindName {
  store::ExportKind kind;
  std::string_view name;
};
constexpr KindName kKinds[] = {{store::ExportKind::kCalls, "calls"},
                               {store::ExportKind::kUtterances, "utterances"},
                               {store::ExportKind::kFlags, "flags"},
                               {store::ExportKind::kComplaints, "complaints"},
                               {store::ExportKind::kDecisions, "decisions"}};

// RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. Text people
// wrote that starts like a spreadsheet formula gets a leading apostrophe, so opening the file
// never runs it.
void CsvCell(std::string_view v, bool people_text, std::string& out) {
  const bool formula =
      people_text && !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@');
  const bool quote = formula || v.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out.append(v);
    return;
  }
  out.push_back('"');
  if (formula) out.push_back('\'');
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string DayText(base::TimeMs t) { return base::FormatRfc3339(t).substr(0, 10); }

}  // namespace

std::optional<store::ExportKind> ParseExportKind(std::string_view text) {
  for (const auto& k : kKinds) {
    if (k.name == text) return k.kind;
  }
  return std::nullopt;
}

std::optional<ExportFormat> ParseExportFormat(std::string_view text) {
  if (text == "csv") return ExportFormat::kCsv;
  if (text == "jsonl") return ExportFormat::kJsonl;
  return std::nullopt;
}

std::string_view ExportKindName(store::ExportKind kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "";
}

ExportEncoder::ExportEncoder(store::ExportKind kind, ExportFormat format,
                             std::function<std::string(store::Id)> pseudonym)
    : columns_(store::ExportColumns(kind)), format_(format), pseudonym_(std::move(pseudonym)) {}

std::string ExportEncoder::Header() const {
  if (format_ != ExportFormat::kCsv) return "";
  std::string out;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i) out.push_back(',');
    out.append(columns_[i].name);
  }
  out.append("\r\n");
  return out;
}

void ExportEncoder::Row(std::span<const store::ExportValue> row, std::string& out) const {
  using T = store::ExportType;
  if (format_ == ExportFormat::kCsv) {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i) out.push_back(',');
      const auto& v = row[i];
      if (std::holds_alternative<std::monostate>(v)) continue;
      switch (columns_[i].type) {
        case T::kInt:
          out.append(std::to_string(std::get<std::int64_t>(v)));
          break;
        case T::kReal: {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.4g", std::get<double>(v));
          out.append(buf);
          break;
        }
        case T::kTime:
          out.append(base::FormatRfc3339(std::get<std::int64_t>(v)));
          break;
        case T::kUser:
          out.append(pseudonym_(std::get<std::int64_t>(v)));
          break;
        case T::kText:
        case T::kList:
          CsvCell(std::get<std::string>(v), false, out);
          break;
        case T::kPrivateText:
          CsvCell(analytics::Mask(std::get<std::string>(v)), true, out);
          break;
      }
    }
    out.append("\r\n");
    return;
  }
  json::object o;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const auto& v = row[i];
    json::value& slot = o[columns_[i].name];
    if (std::holds_alternative<std::monostate>(v)) {
      slot = columns_[i].type == T::kList ? json::value(json::array()) : json::value(nullptr);
      continue;
    }
    switch (columns_[i].type) {
      case T::kInt:
        slot = std::get<std::int64_t>(v);
        break;
      case T::kReal:
        slot = std::get<double>(v);
        break;
      case T::kTime:
        slot = base::FormatRfc3339(std::get<std::int64_t>(v));
        break;
      case T::kUser:
        slot = pseudonym_(std::get<std::int64_t>(v));
        break;
      case T::kText:
        slot = std::get<std::string>(v);
        break;
      case T::kPrivateText:
        slot = analytics::Mask(std::get<std::string>(v));
        break;
      case T::kList: {
        json::array items;
        const auto& s = std::get<std::string>(v);
        for (std::size_t at = 0; at <= s.size();) {
          auto end = s.find(';', at);
          if (end == std::string::npos) end = s.size();
          if (end > at) items.emplace_back(s.substr(at, end - at));
          at = end + 1;
        }
        slot = std::move(items);
        break;
      }
    }
  }
  out.append(json::serialize(o));
  out.push_back('\n');
}

ExportService::ExportService(store::Store& store, const base::Clock& clock,
                             const speech_analytics::Pseudonymizer& pseudonyms, fs::path spool_dir)
    : store_(store), clock_(clock), pseudonyms_(pseudonyms), spool_dir_(std::move(spool_dir)) {}

Result<ExportFile> ExportService::Export(const store::User& analyst, store::ExportKind kind,
                                         ExportFormat format, std::optional<base::TimeMs> from,
                                         std::optional<base::TimeMs> to) {
  const auto now = clock_.NowMs();
  const base::TimeMs end = to.value_or(now);
  const base::TimeMs start = from.value_or(end - 30 * kDayMs);
  if (start >= end) return base::InvalidArgument("invalid_filter", "from must be before to");

  std::error_code ec;
  fs::create_directories(spool_dir_, ec);
  ExportFile out;
  out.path = spool_dir_ / ("export-" + base::RandomToken(12) + ".part");
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(out.path.c_str(), "wbx"),
                                                       &std::fclose);
  if (!file) return base::Internal("cannot create the export spool file " + out.path.string());
  auto fail = [&](base::Error e) -> Result<ExportFile> {
    file.reset();
    fs::remove(out.path, ec);
    return tl::unexpected<base::Error>(std::move(e));
  };

  const ExportEncoder encoder(kind, format, [this](store::Id id) { return pseudonyms_.Of(id); });
  base::Sha256Stream hash;
  std::string buffer = encoder.Header();
  auto flush = [&]() -> Result<void> {
    if (buffer.empty()) return {};
    if (std::fwrite(buffer.data(), 1, buffer.size(), file.get()) != buffer.size()) {
      return base::Internal("writing the export spool file failed");
    }
    hash.Update(buffer);
    out.bytes += buffer.size();
    buffer.clear();
    return {};
  };
  auto rows = store_.Read([&](store::Tx& tx) {
    return tx.exports().Export(kind, start, end,
                               [&](std::span<const store::ExportValue> row) -> Result<void> {
                                 encoder.Row(row, buffer);
                                 if (buffer.size() >= kFlushBytes) TRY(flush());
                                 return {};
                               });
  });
  if (!rows) return fail(rows.error());
  if (auto flushed = flush(); !flushed) return fail(flushed.error());
  if (std::fflush(file.get()) != 0)
    return fail(base::Error{base::ErrorKind::kInternal, "internal", "flushing the export failed"});
  file.reset();
  out.rows = *rows;
  out.sha256 = hash.FinalHex();
  const auto kind_name = std::string(ExportKindName(kind));
  const char* ext = format == ExportFormat::kCsv ? "csv" : "jsonl";
  out.filename = kind_name + "-" + DayText(start) + "-" + DayText(end - 1) + "." + ext;
  out.content_type =
      format == ExportFormat::kCsv ? "text/csv; charset=utf-8" : "application/x-ndjson";
  auto audited = store_.Write([&](store::Tx& tx) {
    return tx.audit().Append({analyst.id, "analytics.exported", "export", kind_name,
                              json::serialize(json::object{{"kind", kind_name},
                                                           {"format", ext},
                                                           {"from", base::FormatRfc3339(start)},
                                                           {"to", base::FormatRfc3339(end)},
                                                           {"rows", out.rows},
                                                           {"bytes", out.bytes},
                                                           {"sha256", out.sha256}}),
                              "[]"},
                             now);
  });
  if (!audited) {
    fs::remove(out.path, ec);
    return tl::unexpected<base::Error>(audited.error());
  }
  return out;
}

}  // namespace vitrina::insights
