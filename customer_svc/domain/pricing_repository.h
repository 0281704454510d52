#ifndef CRM_CUSTOMER_SVC_DOMAIN_PRICING_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_PRICING_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/calendar_date.h"
#include "common/api/filter_fields.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/customer/v1/pricing.pb.h"

namespace crm::customer {

// A pricing row as stored: its id, the id of the customer it belongs to (0
// for price list entries and tier discounts), its version (the etag's source)
// and the message with every field, output-only ones included (name, etag and
// times filled in by the repository).
template <typename Resource>
struct StoredPricingRow {
  int64_t id = 0;
  int64_t parent_id = 0;
  int64_t version = 0;
  Resource resource;
};

// Columns a pricing filter can compare (each resource offers a subset).
enum class PricingColumn { kSku, kCurrency, kTier, kValidFrom, kValidUntil, kApprovedBy };
using PricingCondition = common::Condition<PricingColumn>;

// Sort keys of the pricing List RPCs. kValidUntil sorts open-ended rows as
// 9999-12-31.
enum class PricingOrder { kSku, kTier, kValidFrom, kValidUntil };

// Where a keyset page starts: after the row with this sort value (an int for
// kTier, the text otherwise: sku, or a date as YYYY-MM-DD) and id.
struct PricingCursor {
  std::variant<int64_t, std::string> sort_value;
  int64_t id = 0;
};

struct PricingListQuery {
  std::optional<int64_t> parent_id;  // special prices of one customer; nullopt: all
  std::vector<PricingCondition> conditions;
  PricingOrder order = PricingOrder::kSku;
  bool descending = false;
  bool show_deleted = false;
  std::optional<PricingCursor> after;
  int limit = 50;  // rows to return at most
};

// One kind of pricing row (price list entries, tier discounts or special
// prices) inside a transaction or a read. Locking reads keep their rows (and
// the index gaps they scanned) locked until the transaction ends.
template <typename Resource>
class PricingTable {
 public:
  virtual ~PricingTable() = default;

  // The row (deleted or not), or nullopt.
  virtual absl::StatusOr<std::optional<StoredPricingRow<Resource>>> Find(int64_t id, bool lock) = 0;
  virtual absl::StatusOr<std::vector<StoredPricingRow<Resource>>> List(
      const PricingListQuery& query) = 0;
  // Inserts with version 1 under `parent_id` (0 when none); returns the stored row.
  virtual absl::StatusOr<StoredPricingRow<Resource>> Insert(int64_t parent_id,
                                                            const Resource& resource) = 0;
  // Writes every stored field of `resource` over row `id` and bumps the
  // version from `expected_version` (ABORTED when it moved on).
  virtual absl::StatusOr<StoredPricingRow<Resource>> Update(int64_t id, const Resource& resource,
                                                            int64_t expected_version) = 0;
  // A live row other than `except_id` with the same key as `resource` under
  // `parent_id` whose validity period overlaps that of `resource`, locking
  // what it scans so that no such row can appear before the transaction ends.
  // The key: sku and currency (price list entries); tier, sku and minimum
  // quantity (tier discounts); customer, sku, currency and minimum quantity
  // (special prices). A minimum quantity of 0 counts as 1.
  virtual absl::StatusOr<std::optional<StoredPricingRow<Resource>>> FindOverlapping(
      int64_t parent_id, const Resource& resource, int64_t except_id) = 0;
};

// What QuotePrice needs to know about a customer.
struct PricingCustomer {
  v1::Tier tier = v1::TIER_UNSPECIFIED;
  bool deleted = false;
};

// The live rows that may price `sku` for a customer on a date: the SKU's list
// prices, the tier's discounts for the SKU or for every SKU, and the
// customer's special prices for the SKU, each valid on that date.
struct PricingCandidates {
  std::vector<v1::PriceListEntry> list_prices;
  std::vector<v1::TierDiscount> tier_discounts;
  std::vector<v1::SpecialPrice> special_prices;
};

// The operations of one transaction (or of one read).
class PricingStore {
 public:
  virtual ~PricingStore() = default;

  virtual PricingTable<v1::PriceListEntry>& PriceListEntries() = 0;
  virtual PricingTable<v1::TierDiscount>& TierDiscounts() = 0;
  virtual PricingTable<v1::SpecialPrice>& SpecialPrices() = 0;

  // The customer's tier and whether it is deleted, or nullopt when it does
  // not exist; `lock` locks the customer row (serializing its special prices).
  virtual absl::StatusOr<std::optional<PricingCustomer>> FindCustomer(int64_t customer_id,
                                                                      bool lock) = 0;
  virtual absl::StatusOr<PricingCandidates> FindCandidates(int64_t customer_id, v1::Tier tier,
                                                           std::string_view sku,
                                                           const common::CalendarDate& date) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

// Storage of list prices, tier discounts and special prices.
class PricingRepository {
 public:
  virtual ~PricingRepository() = default;

  // Runs `body` in one transaction: everything it writes commits together
  // when it returns OK and nothing is kept otherwise. May run `body` again
  // after a deadlock.
  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(PricingStore&)> body) = 0;

  // Like Transact, exactly once per (method, request_id): a replay returns
  // the bytes the first run returned (see common::RunIdempotent).
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(PricingStore&)> body) = 0;

  // Runs `body`, which only reads, on one connection without locking.
  virtual absl::Status Read(absl::Time deadline,
                            absl::FunctionRef<absl::Status(PricingStore&)> body) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_PRICING_REPOSITORY_H_
