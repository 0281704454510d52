#include "customer_svc/repository/mysql_customer_columns.h"

namespace crm::customer {

std::string_view CustomerColumnSql(CustomerColumn column) {
  switch (column) {
    case CustomerColumn::kDisplayName:
      return "c.display_name";
    case CustomerColumn::kEmail:
      return "c.email";
    case CustomerColumn::kKind:
      return "c.kind";
    case CustomerColumn::kLifecycleStage:
      return "c.lifecycle_stage";
    case CustomerColumn::kTier:
      return "c.tier";
    case CustomerColumn::kParent:
      return "c.parent_id";
    case CustomerColumn::kAccountManager:
      return "c.account_manager";
    case CustomerColumn::kWebDomain:
      return "c.web_domain";
    case CustomerColumn::kTaxId:
      return "c.tax_id";
    case CustomerColumn::kSourceKind:
      return "c.source_kind";
    case CustomerColumn::kCreateTime:
      return "c.create_time";
  }
  return "NULL";
}

}  // namespace crm::customer
