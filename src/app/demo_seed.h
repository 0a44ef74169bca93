#pragma once

#include <string>

#include "accounts/account_service.h"
#include "base/result.h"
#include "listings/listing_service.h"

namespace vitrina::app {

// Creates (or resets the passwords of) the demo accounts and, the first time, a few demo
// listings. Idempotent. Returns the password used.
base::Result<std::string> SeedDemo(accounts::AccountService& accounts,
                                   listings::ListingService& listings, std::string password);

}  // namespace vitrina::app
