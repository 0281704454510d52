#ifndef CRM_SUPPLIER_SVC_DOMAIN_CONTRACT_RULES_H_
#define CRM_SUPPLIER_SVC_DOMAIN_CONTRACT_RULES_H_

#include <google/protobuf/field_mask.pb.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/calendar_date.h"
#include "common/api/state_machine.h"
#include "crm/supplier/v1/contract.pb.h"
#include "crm/supplier/v1/supplier.pb.h"
#include "supplier_svc/domain/contract_repository.h"
#include "supplier_svc/domain/offering_rules.h"

namespace crm::supplier {

// Limits of the Contract fields (items as offerings have them, kMaxItemChars).
inline constexpr size_t kMaxContractTitleChars = 200;
inline constexpr int kMaxDocumentLines = 500;

// DRAFT → ACTIVE → EXPIRED | TERMINATED.
const common::StateMachine<v1::ContractState>& ContractStateMachine();

// The state a caller sees on `today`: an ACTIVE contract whose end date has
// passed is EXPIRED; every other state is the stored one.
v1::ContractState EffectiveContractState(const v1::Contract& contract,
                                         const common::CalendarDate& today);

// "12.50 EUR" for 1250 minor units of EUR (for messages).
std::string FormatMoney(int64_t amount_minor, std::string_view currency_code);

// OK when a contract may be drafted with `supplier`: live and PROSPECTIVE,
// ACTIVE or PREFERRED (negotiation may precede approval); ON_HOLD,
// CONSOLIDATED and TERMINATED suppliers take no new contracts
// (FAILED_PRECONDITION naming the supplier and its status).
absl::Status CheckSupplierTakesContracts(const v1::Supplier& supplier);

// OK when orders may be placed with `supplier` (and contracts put in force):
// live and ACTIVE or PREFERRED ("orders allowed"); else FAILED_PRECONDITION.
absl::Status CheckSupplierTakesOrders(const v1::Supplier& supplier);

// Checks the caller-settable fields of `contract` (paths under "contract."):
// supplier name, title (1-200 characters), start_date and end_date (valid,
// end not before start), lines (1-500, item 1-64 characters and unique,
// unit_price positive in one ISO-4217 currency for all lines, committed
// quantity at least 1), and that the committed amount stays representable.
// Output-only fields are not looked at.
absl::Status ValidateContract(const v1::Contract& contract);

// Fills the derived figures from the lines' prices and quantities: each
// line's remaining_quantity, committed_amount, ordered_amount and
// remaining_amount (not below zero). INVALID_ARGUMENT when an amount would
// exceed the largest representable one.
absl::Status ComputeContractTotals(v1::Contract& contract);

// Clears what a caller cannot set (name, number, original supplier, state,
// amounts, ordered/remaining quantities, termination reason, etag, times).
void ClearContractOutputOnly(v1::Contract& contract);

// The Contract paths UpdateContract may change: title, start_date, end_date,
// lines.
const absl::flat_hash_set<std::string>& ContractUpdatablePaths();

// OK when every path of `mask` may be updated through UpdateContract; state
// and supplier are INVALID_ARGUMENT naming the RPC that changes them (or that
// they are fixed).
absl::Status ValidateContractUpdateMask(const google::protobuf::FieldMask& mask);

// OK when `mask` may change a contract in `state`: everything in DRAFT, only
// the title in ACTIVE, nothing once EXPIRED or TERMINATED
// (FAILED_PRECONDITION naming the contract, its state and the field).
absl::Status CheckContractUpdateAllowed(std::string_view name, v1::ContractState state,
                                        const google::protobuf::FieldMask& mask);

// ListContracts filter: supplier (suppliers/{id}), state, start_date,
// end_date (YYYY-MM-DD), lines.item.
absl::StatusOr<std::vector<ContractCondition>> ParseContractFilter(std::string_view filter);

// order_by of ListContracts: "end_date" (default), "start_date" or
// "create_time", each optionally followed by " desc".
absl::Status ParseContractOrder(std::string_view order_by, ContractOrder& order, bool& descending);

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_CONTRACT_RULES_H_
