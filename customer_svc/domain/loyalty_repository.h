#ifndef CRM_CUSTOMER_SVC_DOMAIN_LOYALTY_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_LOYALTY_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter_fields.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/customer/v1/loyalty.pb.h"

namespace crm::customer {

struct LoyaltyCustomer {
  int64_t id = 0;
  bool deleted = false;
};

enum class LoyaltyColumn { kKind, kReference, kCreateTime };
using LoyaltyCondition = common::Condition<LoyaltyColumn>;

// Ledger entries of one customer, newest first (descending id).
struct LoyaltyListQuery {
  int64_t customer_id = 0;
  std::vector<LoyaltyCondition> conditions;
  std::optional<int64_t> before_id;
  int limit = 50;
};

struct StoredLoyaltyTransaction {
  int64_t id = 0;
  v1::LoyaltyTransaction transaction;  // name filled in
};

// The ledger operations of one transaction.
class LoyaltyStore {
 public:
  virtual ~LoyaltyStore() = default;

  // The customer row locked for update: every booking of one customer takes
  // this lock first, so bookings of a customer run one at a time and a
  // balance read after it stays exact until the transaction ends.
  virtual absl::StatusOr<std::optional<LoyaltyCustomer>> LockCustomer(int64_t customer_id) = 0;
  // The balance from the customer's ledger (customer field filled in).
  virtual absl::StatusOr<v1::LoyaltyBalance> Balance(int64_t customer_id) = 0;
  // Appends `transaction` (name ignored); returns it with its name.
  virtual absl::StatusOr<v1::LoyaltyTransaction> InsertTransaction(
      int64_t customer_id, const v1::LoyaltyTransaction& transaction) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

class LoyaltyRepository {
 public:
  virtual ~LoyaltyRepository() = default;

  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(LoyaltyStore&)> body) = 0;
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(LoyaltyStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<LoyaltyCustomer>> GetCustomer(absl::Time deadline,
                                                                     int64_t customer_id) = 0;
  virtual absl::StatusOr<v1::LoyaltyBalance> GetBalance(absl::Time deadline,
                                                        int64_t customer_id) = 0;
  virtual absl::StatusOr<std::vector<StoredLoyaltyTransaction>> ListTransactions(
      absl::Time deadline, const LoyaltyListQuery& query) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_LOYALTY_REPOSITORY_H_
