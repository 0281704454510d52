#include "common/mysql/idempotency.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/sha256.h"
#include "common/mysql/statement_cache.h"
#include "common/mysql/transaction.h"

namespace crm::common {
namespace {

constexpr int kDuplicateKey = 1062;
constexpr size_t kMaxMethodLength = 255;
constexpr size_t kMaxRequestIdLength = 128;

// Number of code points in `text`, or nullopt when it is not valid UTF-8.
std::optional<size_t> Utf8Length(std::string_view text) {
  size_t count = 0;
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    uint32_t code_point = 0;
    uint32_t smallest = 0;
    if (lead < 0x80) {
      code_point = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      extra = 1;
      code_point = lead & 0x1F;
      smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2;
      code_point = lead & 0x0F;
      smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3;
      code_point = lead & 0x07;
      smallest = 0x10000;
    } else {
      return std::nullopt;
    }
    if (extra >= text.size() - i) return std::nullopt;
    for (size_t j = 1; j <= extra; ++j) {
      const unsigned char next = static_cast<unsigned char>(text[i + j]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    if (code_point < smallest || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return std::nullopt;
    }
    i += extra + 1;
    ++count;
  }
  return count;
}

absl::Status ValidateKey(std::string_view method, std::string_view request_id) {
  if (method.empty() || method.size() > kMaxMethodLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("idempotency method name must be 1 to ", kMaxMethodLength, " bytes"));
  }
  const std::optional<size_t> length = Utf8Length(request_id);
  if (!length.has_value()) {
    return absl::InvalidArgumentError("request_id must be valid UTF-8");
  }
  if (*length > kMaxRequestIdLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request_id must be at most ", kMaxRequestIdLength, " characters, got ", *length));
  }
  return absl::OkStatus();
}

// Claims (method, request_id) with a row holding an empty response. While the
// claiming transaction is open, a concurrent claim of the same key blocks on
// the row lock; it then fails as a duplicate once the first one commits, or
// succeeds if the first one rolls back. False when the key was already taken.
bool Claim(sql::Connection& connection, std::string_view method, std::string_view request_id,
           const std::string& fingerprint) {
  CachedStatement insert =
      PrepareCached(connection,
                    "INSERT INTO idempotency_records "
                    "(method, request_id, request_fingerprint, response, created_at) "
                    "VALUES (?, ?, ?, '', UTC_TIMESTAMP(6))");
  insert->setString(1, std::string(method));
  insert->setString(2, std::string(request_id));
  insert->setString(3, fingerprint);
  try {
    insert->executeUpdate();
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kDuplicateKey) return false;
    throw;
  }
  return true;
}

void StoreResponse(sql::Connection& connection, std::string_view method,
                   std::string_view request_id, const std::string& response) {
  CachedStatement update = PrepareCached(
      connection,
      "UPDATE idempotency_records SET response = ? WHERE method = ? AND request_id = ?");
  std::istringstream response_stream(response);
  update->setBlob(1, &response_stream);
  update->setString(2, std::string(method));
  update->setString(3, std::string(request_id));
  update->executeUpdate();
}

struct StoredRecord {
  std::string fingerprint;
  std::string response;
};

std::optional<StoredRecord> ReadStored(sql::Connection& connection, std::string_view method,
                                       std::string_view request_id) {
  // A locking read sees the latest committed row, whatever the snapshot.
  CachedStatement select =
      PrepareCached(connection,
                    "SELECT request_fingerprint, response FROM idempotency_records "
                    "WHERE method = ? AND request_id = ? LOCK IN SHARE MODE");
  select->setString(1, std::string(method));
  select->setString(2, std::string(request_id));
  std::unique_ptr<sql::ResultSet> row(select->executeQuery());
  if (!row->next()) return std::nullopt;
  return StoredRecord{row->getString(1), row->getString(2)};
}

}  // namespace

absl::StatusOr<std::string> RunIdempotent(
    MySqlPool& pool, absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(sql::Connection&)> body) {
  if (absl::Status valid = ValidateKey(method, request_id); !valid.ok()) return valid;
  const std::string fingerprint = Sha256Hex(request_fingerprint);
  std::string response;
  const absl::Status status =
      RunInTransaction(pool, deadline, [&](sql::Connection& connection) -> absl::Status {
        if (!request_id.empty() && !Claim(connection, method, request_id, fingerprint)) {
          std::optional<StoredRecord> stored = ReadStored(connection, method, request_id);
          if (!stored.has_value()) {
            return absl::AbortedError(absl::StrFormat(
                "request_id %s changed concurrently; retry the request", request_id));
          }
          if (stored->fingerprint != fingerprint) {
            return absl::AlreadyExistsError(absl::StrFormat(
                "request_id %s was already used for a different %s request", request_id, method));
          }
          response = std::move(stored->response);
          return absl::OkStatus();
        }
        absl::StatusOr<std::string> result = body(connection);
        if (!result.ok()) return result.status();
        if (!request_id.empty()) StoreResponse(connection, method, request_id, *result);
        response = *std::move(result);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

}  // namespace crm::common
