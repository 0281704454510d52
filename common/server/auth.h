#ifndef CRM_COMMON_SERVER_AUTH_H_
#define CRM_COMMON_SERVER_AUTH_H_

#include <grpcpp/support/string_ref.h>

#include <map>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace crm::common {

// The authenticated team behind a call and what it may do.
struct Caller {
  std::string team;
  absl::flat_hash_set<std::string> scopes;

  bool HasScope(std::string_view scope) const;
};

// Maps bearer tokens to callers. Only SHA-256 hashes of tokens are stored
// (in the file and in memory); a presented token is hashed and looked up.
//
// Token file: one token per line, `#` comments and blank lines ignored:
//   <sha256 hex of the token> <team> <scope>[,<scope>...]
// Scopes must be ones from common/server/scopes.h.
class TokenAuthenticator {
 public:
  // Missing/unreadable file → NOT_FOUND naming the path; a malformed line →
  // INVALID_ARGUMENT naming the path and the line number.
  static absl::StatusOr<TokenAuthenticator> LoadFromFile(const std::string& path);

  // Parses the file format from memory; `source` names it in error messages.
  static absl::StatusOr<TokenAuthenticator> Parse(std::string_view content,
                                                  std::string_view source);

  // Reads `authorization: Bearer <token>`. Missing or not a bearer token →
  // UNAUTHENTICATED "missing bearer token in the authorization metadata";
  // a token not in the file → UNAUTHENTICATED "unknown bearer token".
  absl::StatusOr<Caller> Authenticate(
      const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata) const;

  int token_count() const { return static_cast<int>(callers_by_hash_.size()); }

 private:
  TokenAuthenticator() = default;

  // Key: lowercase hex SHA-256 of the token.
  absl::flat_hash_map<std::string, Caller> callers_by_hash_;
};

// OK when `caller` holds `scope`; otherwise PERMISSION_DENIED
// "team <team> lacks scope <scope>".
absl::Status Authorize(const Caller& caller, std::string_view scope);

}  // namespace crm::common

#endif  // CRM_COMMON_SERVER_AUTH_H_
