#pragma once
// The analysts' exports (docs/analytics.md "## Exports"): calls, utterances, flags, complaints
// and decisions of a period as CSV or JSON Lines. Users become pseudonyms and free text is
// masked before a byte is written; rows go one at a time from the store to a spool file
// (64 KiB buffered, hashed as written), so memory stays constant whatever the period; the
// server streams the file and unlinks it at once. Each export is audited with its row count,
// size and SHA-256. Thread-safe.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "speech_analytics/analyst_service.h"
#include "store/store.h"

namespace vitrina::insights {

using base::Result;

enum class ExportFormat { kCsv, kJsonl };

std::optional<store::ExportKind> ParseExportKind(std::string_view text);
std::optional<ExportFormat> ParseExportFormat(std::string_view text);
std::string_view ExportKindName(store::ExportKind kind);

// Renders rows of one kind. Pure.
class ExportEncoder {
 public:
  ExportEncoder(store::ExportKind kind, ExportFormat format,
                std::function<std::string(store::Id)> pseudonym);
  // The CSV header line ("" for JSON Lines).
  std::string Header() const;
  // Appends one line (with its newline) to `out`.
  void Row(std::span<const store::ExportValue> row, std::string& out) const;

 private:
  std::span<const store::ExportColumn> columns_;
  ExportFormat format_;
  std::function<std::string(store::Id)> pseudonym_;
};

struct ExportFile {
  std::filesystem::path path;  // the spool file: the caller sends it and removes it
  std::string filename;        // for Content-Disposition, e.g. calls-2026-11-08-2026-12-07.csv
  std::string content_type;
  std::int64_t rows = 0;
  std::uint64_t bytes = 0;
  std::string sha256;
};

class ExportService {
 public:
  ExportService(store::Store& store, const base::Clock& clock,
                const speech_analytics::Pseudonymizer& pseudonyms, std::filesystem::path spool_dir);

  // [from, to): defaults the 30 days up to now. 400 invalid_filter when from is not before to.
  // Audited (analytics.exported: kind, format, period, rows, bytes, sha256).
  Result<ExportFile> Export(const store::User& analyst, store::ExportKind kind, ExportFormat format,
                            std::optional<base::TimeMs> from, std::optional<base::TimeMs> to);

 private:
  store::Store& store_;
  const base::Clock& clock_;
  const speech_analytics::Pseudonymizer& pseudonyms_;
  std::filesystem::path spool_dir_;
};

}  // namespace vitrina::insights
