#include "supplier_svc/domain/supplier_rules.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/field_mask.h"
#include "common/api/order_by.h"
#include "common/api/party_validation.h"
#include "common/api/quote.h"
#include "common/api/validation.h"
#include "common/api/validator.h"

namespace crm::supplier {
namespace {

using common::CalendarDate;
using common::Validator;
using Kind = common::FilterValueKind;

bool IsSet(const crm::common::v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

absl::Status ValidateOptionalDate(const std::string& field, const crm::common::v1::Date& date) {
  if (!IsSet(date)) return absl::OkStatus();
  return common::ValidateCalendarDate(field, common::FromDateMessage(date));
}

// valid_until, when both are set, is not before valid_from.
absl::Status ValidateDateRange(const std::string& prefix, const crm::common::v1::Date& from,
                               std::string_view from_name, const crm::common::v1::Date& until,
                               std::string_view until_name) {
  Validator v;
  v.Check(ValidateOptionalDate(absl::StrCat(prefix, ".", std::string(from_name)), from));
  v.Check(ValidateOptionalDate(absl::StrCat(prefix, ".", std::string(until_name)), until));
  if (!v.ok()) return v.status();
  if (IsSet(from) && IsSet(until) &&
      common::FromDateMessage(until) < common::FromDateMessage(from)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.%s: %s is before %s %s", prefix, std::string(until_name),
        common::FormatIsoDate(common::FromDateMessage(until)), std::string(from_name),
        common::FormatIsoDate(common::FromDateMessage(from))));
  }
  return absl::OkStatus();
}

absl::Status NormalizeCategories(v1::Supplier& supplier) {
  if (supplier.categories_size() == 0) {
    return absl::InvalidArgumentError("supplier.categories: at least one category is required");
  }
  std::set<int> categories;
  for (int i = 0; i < supplier.categories_size(); ++i) {
    absl::Status valid =
        common::ValidateEnum(absl::StrCat("supplier.categories[", i, "]"), supplier.categories(i),
                             *v1::SupplierCategory_descriptor());
    if (!valid.ok()) return valid;
    categories.insert(supplier.categories(i));
  }
  supplier.clear_categories();
  for (int category : categories) supplier.add_categories(static_cast<v1::SupplierCategory>(category));
  return absl::OkStatus();
}

absl::Status NormalizeQualifications(v1::Supplier& supplier) {
  std::set<int> seen;
  for (int i = 0; i < supplier.qualifications_size(); ++i) {
    const std::string field = absl::StrCat("supplier.qualifications[", i, "]");
    const v1::Qualification& q = supplier.qualifications(i);
    Validator v;
    v.Check(common::ValidateEnum(field + ".category", q.category(),
                                 *v1::SupplierCategory_descriptor()));
    v.Check(common::ValidateEnum(field + ".state", q.state(), *v1::QualificationState_descriptor(),
                                 /*allow_unspecified=*/true));
    v.Check(ValidateDateRange(field, q.valid_from(), "valid_from", q.valid_until(), "valid_until"));
    v.Check(common::ValidateLength(field + ".note", q.note(), 0, kMaxNoteChars));
    v.Check(common::ValidateLength(field + ".assessed_by", q.assessed_by(), 0, kMaxAssessorChars));
    if (!v.ok()) return v.status();
    if (!seen.insert(q.category()).second) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.category: %s is qualified twice; keep one qualification per category", field,
          common::ShortEnumName(q.category())));
    }
  }
  std::sort(supplier.mutable_qualifications()->begin(), supplier.mutable_qualifications()->end(),
            [](const v1::Qualification& a, const v1::Qualification& b) {
              return a.category() < b.category();
            });
  return absl::OkStatus();
}

absl::Status ValidateAgreement(const v1::DataSharingAgreement& agreement) {
  constexpr std::string_view kField = "supplier.data_sharing_agreement";
  const std::string base(kField);
  Validator v;
  v.Check(common::ValidateEnum(base + ".state", agreement.state(),
                               *v1::DataSharingAgreementState_descriptor(),
                               /*allow_unspecified=*/true));
  v.Check(common::ValidateLength(base + ".scope", agreement.scope(), 0, kMaxScopeChars));
  v.Check(common::ValidateLength(base + ".document_uri", agreement.document_uri(), 0, kMaxUriChars));
  v.Check(ValidateDateRange(base, agreement.signed_date(), "signed_date", agreement.valid_until(),
                            "valid_until"));
  if (!v.ok()) return v.status();
  if (agreement.state() == v1::DATA_SHARING_AGREEMENT_STATE_SIGNED) {
    if (agreement.scope().empty()) {
      return absl::InvalidArgumentError(base + ".scope: required when the agreement is SIGNED");
    }
    if (!IsSet(agreement.signed_date())) {
      return absl::InvalidArgumentError(base +
                                        ".signed_date: required when the agreement is SIGNED");
    }
  }
  return absl::OkStatus();
}

const std::vector<common::FilterField<SupplierColumn>>& SupplierFields() {
  static const auto* const fields = new std::vector<common::FilterField<SupplierColumn>>{
      {"display_name", SupplierColumn::kDisplayName, Kind::kText},
      {"status", SupplierColumn::kStatus, Kind::kEnum, v1::SupplierStatus_descriptor()},
      {"categories", SupplierColumn::kCategory, Kind::kEnum, v1::SupplierCategory_descriptor()},
      {"integration_level", SupplierColumn::kIntegrationLevel, Kind::kEnum,
       v1::IntegrationLevel_descriptor()},
      {"organization_key.web_domain", SupplierColumn::kWebDomain, Kind::kDomain},
      {"organization_key.tax_id", SupplierColumn::kTaxId, Kind::kUpper},
      {"consolidated_into", SupplierColumn::kConsolidatedInto, Kind::kResource, nullptr,
       "suppliers"},
      {"relationship_start_date", SupplierColumn::kRelationshipStartDate, Kind::kDate},
      {"postal_address.region_code", SupplierColumn::kRegionCode, Kind::kUpper},
      {"create_time", SupplierColumn::kCreateTime, Kind::kTime},
  };
  return *fields;
}

const std::vector<common::FilterField<StatusChangeColumn>>& StatusChangeFields() {
  static const auto* const fields = new std::vector<common::FilterField<StatusChangeColumn>>{
      {"from_status", StatusChangeColumn::kFromStatus, Kind::kEnum,
       v1::SupplierStatus_descriptor()},
      {"to_status", StatusChangeColumn::kToStatus, Kind::kEnum, v1::SupplierStatus_descriptor()},
      {"consolidation", StatusChangeColumn::kConsolidation, Kind::kResource, nullptr,
       "consolidations"},
      {"change_time", StatusChangeColumn::kChangeTime, Kind::kTime},
  };
  return *fields;
}

}  // namespace

const common::StateMachine<v1::SupplierStatus>& SupplierStatusMachine() {
  static const auto* const machine = new common::StateMachine<v1::SupplierStatus>(
      "status", {
                    {v1::SUPPLIER_STATUS_PROSPECTIVE, v1::SUPPLIER_STATUS_ACTIVE},
                    {v1::SUPPLIER_STATUS_ACTIVE, v1::SUPPLIER_STATUS_PREFERRED},
                    {v1::SUPPLIER_STATUS_PREFERRED, v1::SUPPLIER_STATUS_ACTIVE},
                    {v1::SUPPLIER_STATUS_ACTIVE, v1::SUPPLIER_STATUS_ON_HOLD},
                    {v1::SUPPLIER_STATUS_PREFERRED, v1::SUPPLIER_STATUS_ON_HOLD},
                    {v1::SUPPLIER_STATUS_ON_HOLD, v1::SUPPLIER_STATUS_ACTIVE},
                    {v1::SUPPLIER_STATUS_ACTIVE, v1::SUPPLIER_STATUS_CONSOLIDATED},
                    {v1::SUPPLIER_STATUS_PREFERRED, v1::SUPPLIER_STATUS_CONSOLIDATED},
                    {v1::SUPPLIER_STATUS_ON_HOLD, v1::SUPPLIER_STATUS_CONSOLIDATED},
                    {v1::SUPPLIER_STATUS_PROSPECTIVE, v1::SUPPLIER_STATUS_TERMINATED},
                    {v1::SUPPLIER_STATUS_ACTIVE, v1::SUPPLIER_STATUS_TERMINATED},
                    {v1::SUPPLIER_STATUS_PREFERRED, v1::SUPPLIER_STATUS_TERMINATED},
                    {v1::SUPPLIER_STATUS_ON_HOLD, v1::SUPPLIER_STATUS_TERMINATED},
                });
  return *machine;
}

absl::Status CheckManualStatusChange(std::string_view supplier, v1::SupplierStatus from,
                                     v1::SupplierStatus to) {
  if (to == v1::SUPPLIER_STATUS_CONSOLIDATED) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: status CONSOLIDATED is set only by ExecuteConsolidation", supplier));
  }
  return SupplierStatusMachine().Check(supplier, from, to);
}

absl::Status NormalizeSupplier(v1::Supplier& supplier) {
  Validator v;
  v.Check(common::ValidateRequiredText("supplier.display_name", supplier.display_name(),
                                       kMaxDisplayNameChars));
  v.Check(common::ValidateLength("supplier.legal_name", supplier.legal_name(), 0,
                                 kMaxLegalNameChars));
  v.Check(common::NormalizeOrganizationKey("supplier.organization_key",
                                           *supplier.mutable_organization_key()));
  v.Check(common::NormalizeContacts("supplier.contacts", *supplier.mutable_contacts()));
  v.Check(common::ValidatePostalAddress("supplier.postal_address", supplier.postal_address()));
  v.Check(NormalizeCategories(supplier));
  v.Check(NormalizeQualifications(supplier));
  v.Check(common::ValidateEnum("supplier.integration_level", supplier.integration_level(),
                               *v1::IntegrationLevel_descriptor(), /*allow_unspecified=*/true));
  v.Check(ValidateAgreement(supplier.data_sharing_agreement()));
  v.Check(ValidateOptionalDate("supplier.relationship_start_date",
                               supplier.relationship_start_date()));
  if (!v.ok()) return v.status();
  if (supplier.integration_level() == v1::INTEGRATION_LEVEL_UNSPECIFIED) {
    supplier.set_integration_level(v1::INTEGRATION_LEVEL_NONE);
  }
  if (!IsSet(supplier.relationship_start_date())) supplier.clear_relationship_start_date();
  if (supplier.data_sharing_agreement().ByteSizeLong() == 0) {
    supplier.clear_data_sharing_agreement();
  }
  return absl::OkStatus();
}

void MarkCurrentQualifications(v1::Supplier& supplier, const CalendarDate& today) {
  for (v1::Qualification& q : *supplier.mutable_qualifications()) {
    const bool qualified = q.state() == v1::QUALIFICATION_STATE_APPROVED ||
                           q.state() == v1::QUALIFICATION_STATE_CONDITIONAL;
    const bool started = !IsSet(q.valid_from()) || common::FromDateMessage(q.valid_from()) <= today;
    const bool not_ended =
        !IsSet(q.valid_until()) || today <= common::FromDateMessage(q.valid_until());
    q.set_current(qualified && started && not_ended);
  }
}

const absl::flat_hash_set<std::string>& SupplierUpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "display_name",   "legal_name",     "organization_key",  "contacts",
      "postal_address", "categories",     "qualifications",    "integration_level",
      "data_sharing_agreement",           "relationship_start_date",
  };
  return *paths;
}

absl::Status ValidateSupplierUpdateMask(const google::protobuf::FieldMask& mask) {
  constexpr std::pair<std::string_view, std::string_view> kChangedElsewhere[] = {
      {"status", "ChangeSupplierStatus"},
      {"consolidated_into", "ExecuteConsolidation"},
      {"delete_time", "DeleteSupplier or UndeleteSupplier"},
  };
  for (const std::string& path : mask.paths()) {
    const std::string_view top = std::string_view(path).substr(0, path.find('.'));
    for (const auto& [field, rpc] : kChangedElsewhere) {
      if (top == field) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "update_mask: field %s cannot be updated; use %s", common::QuoteValue(path), rpc));
      }
    }
  }
  return common::ValidateUpdateMask(mask, *v1::Supplier::descriptor(), SupplierUpdatablePaths());
}

void ClearOutputOnlyFields(v1::Supplier& supplier) {
  supplier.clear_name();
  supplier.clear_status();
  supplier.clear_consolidated_into();
  supplier.clear_etag();
  supplier.clear_create_time();
  supplier.clear_update_time();
  supplier.clear_delete_time();
  for (v1::Qualification& q : *supplier.mutable_qualifications()) q.clear_current();
}

absl::StatusOr<std::vector<SupplierCondition>> ParseSupplierFilter(std::string_view filter) {
  return common::ResolveFilter<SupplierColumn>(filter, SupplierFields());
}

absl::Status ParseSupplierOrder(std::string_view order_by, SupplierOrder& order, bool& descending) {
  absl::StatusOr<common::OrderBy> parsed =
      common::ParseOrderBy(order_by, {"display_name", "create_time", "relationship_start_date"});
  if (!parsed.ok()) return parsed.status();
  constexpr SupplierOrder kOrders[] = {SupplierOrder::kDisplayName, SupplierOrder::kCreateTime,
                                       SupplierOrder::kRelationshipStartDate};
  order = kOrders[parsed->field];
  descending = parsed->descending;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StatusChangeCondition>> ParseStatusChangeFilter(
    std::string_view filter) {
  return common::ResolveFilter<StatusChangeColumn>(filter, StatusChangeFields());
}

}  // namespace crm::supplier
