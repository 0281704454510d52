#ifndef CRM_SUPPLIER_SVC_DOMAIN_CONSOLIDATION_RULES_H_
#define CRM_SUPPLIER_SVC_DOMAIN_CONSOLIDATION_RULES_H_

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/supplier/v1/consolidation.pb.h"
#include "crm/supplier/v1/scorecard.pb.h"
#include "crm/supplier/v1/supplier.pb.h"

namespace crm::supplier {

// How PlanConsolidation ranks and chooses (the one place these rules live):
// - candidates: live ACTIVE, PREFERRED and ON_HOLD suppliers of the category;
// - rank value = kRankScoreWeight * overall score (0-100) + kRankSpendWeight *
//   spend share in percent (0-100); ties: higher spend, then lower id;
// - keepers: the target_count best ACTIVE/PREFERRED suppliers (TOP_RANKED; an
//   ON_HOLD supplier is never kept for its rank), every candidate named in
//   protected_suppliers (PROTECTED; names that are not candidates are ignored:
//   nothing of theirs moves anyway), then, best first, every supplier with a
//   live offering of an item (in a currency) no keeper offers (SOLE_SOURCE) —
//   its items can then take over other suppliers' items;
// - every live offering of a retiring supplier maps to the cheapest keeper
//   offering of the same item and currency (ties: lower offering id);
//   ItemMapping.sole_source when only one keeper offers the item;
// - annual savings = sum over mappings of (from price - to price) * units bought
//   from the retiring supplier in the last 12 months; each (supplier, item,
//   currency) volume counts once (on its cheapest offering). Only mappings in
//   the currency with the most mappings count.
inline constexpr double kRankScoreWeight = 0.5;
inline constexpr double kRankSpendWeight = 0.5;

// A candidate supplier with its scorecard (last 12 months, category scope).
struct PlanSupplier {
  int64_t id = 0;
  int64_t version = 0;
  v1::SupplierStatus status = v1::SUPPLIER_STATUS_UNSPECIFIED;
  v1::Scorecard scorecard;
  int64_t open_purchase_order_count = 0;  // OPEN or CONFIRMED
  int64_t contract_count = 0;             // DRAFT or ACTIVE
};

struct PlanOffering {
  int64_t id = 0;
  int64_t supplier_id = 0;
  int64_t version = 0;
  std::string item;
  std::string currency;
  int64_t unit_price_minor = 0;
};

// (supplier id, item, currency) → units ordered in the last 12 months.
using AnnualQuantities = std::map<std::tuple<int64_t, std::string, std::string>, int64_t>;

struct PlanInputs {
  std::vector<PlanSupplier> suppliers;  // the candidates
  std::vector<PlanOffering> offerings;  // their live offerings
  AnnualQuantities quantities;
};

// A plan, its item mappings and the versions it depends on.
struct BuiltPlan {
  v1::ConsolidationPlan plan;  // item_mapping_count and the counts filled in
  // By retiring supplier (best-ranked first), then offering id.
  std::vector<v1::ItemMapping> item_mappings;
  std::vector<std::pair<int64_t, int64_t>> supplier_versions;  // (id, version) of the ranked
  // (id, version) of the retiring suppliers' live offerings and of the keeper
  // offerings mapped to.
  std::vector<std::pair<int64_t, int64_t>> offering_versions;
};

// The plan for `inputs` (fingerprint and every ranking's consolidated_into
// filled in; name and expire_time are the store's).
BuiltPlan BuildConsolidationPlan(const PlanInputs& inputs, v1::SupplierCategory category,
                                 int32_t target_count,
                                 const absl::flat_hash_set<int64_t>& protected_ids,
                                 absl::Time plan_time);

// Digest of the plan's content (without name, plan_time, expire_time,
// fingerprint and consolidation; the mappings follow from the versions) and of
// the versions it was computed from; ExecuteConsolidation recomputes it from the
// current versions and refuses a plan whose digest differs.
std::string ConsolidationPlanFingerprint(v1::ConsolidationPlan plan,
                                         std::vector<std::pair<int64_t, int64_t>> supplier_versions,
                                         std::vector<std::pair<int64_t, int64_t>> offering_versions);

// For each retiring supplier, the keeper its contracts (and orders without a
// mapped item) go to: the keeper taking the most yearly value of its items
// (annual_quantity * keeper price; ties: the better-ranked keeper), or the
// best-ranked keeper when none of its items is mapped.
std::map<std::string, std::string> ChooseConsolidatedInto(
    const v1::ConsolidationPlan& plan, const std::vector<v1::ItemMapping>& item_mappings);

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_CONSOLIDATION_RULES_H_
