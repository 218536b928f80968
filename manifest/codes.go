package manifest

import (
	"strconv"
	"strings"
)

// Rejection codes: the manifest is not screened. Stream sends it to the
// dead-letter topic with the findings; the operator fixes and re-sends it.
const (
	CodeTooLarge                  = "TOO_LARGE"
	CodeNotJSON                   = "NOT_JSON"
	CodeNotObject                 = "NOT_OBJECT"
	CodeWrongType                 = "WRONG_TYPE"
	CodeInvalidUTF8               = "INVALID_UTF8"
	CodeFieldTooLong              = "FIELD_TOO_LONG"
	CodeMissingItemID             = "MISSING_ITEM_ID"
	CodeInvalidItemID             = "INVALID_ITEM_ID"
	CodeMissingOperator           = "MISSING_OPERATOR"
	CodeMissingOriginCountry      = "MISSING_ORIGIN_COUNTRY"
	CodeMissingDestinationCountry = "MISSING_DESTINATION_COUNTRY"
	CodeInvalidCountry            = "INVALID_COUNTRY"
	CodeNoContents                = "NO_CONTENTS"
	CodeTooManyContents           = "TOO_MANY_CONTENTS"
	CodeNegativeValue             = "NEGATIVE_VALUE"
	CodeAbsurdValue               = "ABSURD_VALUE"
	CodeInvalidTime               = "INVALID_TIME"
	CodeInvalidEnum               = "INVALID_ENUM"
)

// Data-quality codes: the manifest is screened and the findings are kept in
// Parcel.Quality, where rules may use them.
const (
	CodeMissingSenderName       = "MISSING_SENDER_NAME"
	CodeMissingSenderAddress    = "MISSING_SENDER_ADDRESS"
	CodeMissingSenderCountry    = "MISSING_SENDER_COUNTRY"
	CodeInvalidSenderCountry    = "INVALID_SENDER_COUNTRY"
	CodeMissingSenderPhone      = "MISSING_SENDER_PHONE"
	CodeMissingSenderEmail      = "MISSING_SENDER_EMAIL"
	CodeMissingRecipientName    = "MISSING_RECIPIENT_NAME"
	CodeMissingRecipientAddress = "MISSING_RECIPIENT_ADDRESS"
	CodeMissingRecipientCountry = "MISSING_RECIPIENT_COUNTRY"
	CodeInvalidRecipientCountry = "INVALID_RECIPIENT_COUNTRY"
	CodeMissingRecipientPhone   = "MISSING_RECIPIENT_PHONE"
	CodeMissingRecipientEmail   = "MISSING_RECIPIENT_EMAIL"
	CodePhoneNotInternational   = "PHONE_NOT_INTERNATIONAL"
	CodeInvalidPhone            = "INVALID_PHONE"
	CodeInvalidEmail            = "INVALID_EMAIL"
	CodeS10CheckDigit           = "S10_CHECK_DIGIT"
	CodeS10UnknownCountry       = "S10_UNKNOWN_COUNTRY"
	CodeMissingCurrency         = "MISSING_CURRENCY"
	CodeUnknownCurrency         = "UNKNOWN_CURRENCY"
	CodeMissingGrossWeight      = "MISSING_GROSS_WEIGHT"
	CodeMissingDescription      = "MISSING_DESCRIPTION"
	CodeMissingHSCode           = "MISSING_HS_CODE"
	CodeHSCodeShort             = "HS_CODE_SHORT"
	CodeHSCodeInvalid           = "HS_CODE_INVALID"
	CodeInvalidItemOrigin       = "INVALID_ITEM_ORIGIN"
	CodeWeightMismatch          = "WEIGHT_MISMATCH"
	CodeValueMismatch           = "VALUE_MISMATCH"
	CodeMissingPostedAt         = "MISSING_POSTED_AT"
	CodeMissingOperatorKind     = "MISSING_OPERATOR_KIND"
	CodeMissingMailClass        = "MISSING_MAIL_CLASS"
	CodeMissingCategory         = "MISSING_CATEGORY"
)

// Kind says what a finding code does to a manifest.
type Kind string

// The kinds of finding codes.
const (
	// KindReject: the manifest is rejected and not screened.
	KindReject Kind = "reject"
	// KindQuality: the manifest is screened; the data is deficient.
	KindQuality Kind = "quality"
)

// CodeInfo documents one finding code.
type CodeInfo struct {
	Kind    Kind
	Meaning string // one line, for operators' documentation
}

// Codes documents every code Decode can return, in a Rejection or in
// Parcel.Quality. The codes are stable: operators and rules depend on them.
// Documentation is generated from this table; do not modify it at run time.
var Codes = map[string]CodeInfo{
	CodeTooLarge:                  {KindReject, "The message is larger than the size limit (256 KiB by default)."},
	CodeNotJSON:                   {KindReject, "The message is not valid JSON; the message gives the byte offset of the first error."},
	CodeNotObject:                 {KindReject, "The message is valid JSON but not a JSON object."},
	CodeWrongType:                 {KindReject, "A field has the wrong JSON type, for example a number sent as a string."},
	CodeInvalidUTF8:               {KindReject, "A text field is not valid UTF-8."},
	CodeFieldTooLong:              {KindReject, "A text field is longer than 1024 bytes (4096 for contents descriptions)."},
	CodeMissingItemID:             {KindReject, "item_id is missing or empty."},
	CodeInvalidItemID:             {KindReject, "item_id is longer than 64 bytes or contains spaces or control characters."},
	CodeMissingOperator:           {KindReject, "operator is missing or empty."},
	CodeMissingOriginCountry:      {KindReject, "origin_country is missing or empty."},
	CodeMissingDestinationCountry: {KindReject, "destination_country is missing or empty."},
	CodeInvalidCountry:            {KindReject, "origin_country or destination_country is not an ISO 3166-1 alpha-2 code."},
	CodeNoContents:                {KindReject, "contents is missing or empty: a declaration needs at least one line."},
	CodeTooManyContents:           {KindReject, "contents has more than 1000 lines."},
	CodeNegativeValue:             {KindReject, "A weight, quantity, value or amount is negative."},
	CodeAbsurdValue:               {KindReject, "A number is beyond what a postal item can carry (gross or net weight over 1000 kg, quantity over 1,000,000 or not whole, a value over 100,000,000)."},
	CodeInvalidTime:               {KindReject, "posted_at is not an RFC 3339 timestamp."},
	CodeInvalidEnum:               {KindReject, "operator_kind, mail_class or category is not one of the allowed values."},

	CodeMissingSenderName:       {KindQuality, "The sender has neither a name nor a business name."},
	CodeMissingSenderAddress:    {KindQuality, "The sender's street, city or postcode is empty; the message lists which."},
	CodeMissingSenderCountry:    {KindQuality, "The sender's country is empty."},
	CodeInvalidSenderCountry:    {KindQuality, "The sender's country is not an ISO 3166-1 alpha-2 code."},
	CodeMissingSenderPhone:      {KindQuality, "The sender's phone number is empty."},
	CodeMissingSenderEmail:      {KindQuality, "The sender's e-mail address is empty."},
	CodeMissingRecipientName:    {KindQuality, "The recipient has neither a name nor a business name."},
	CodeMissingRecipientAddress: {KindQuality, "The recipient's street, city or postcode is empty; the message lists which."},
	CodeMissingRecipientCountry: {KindQuality, "The recipient's country is empty."},
	CodeInvalidRecipientCountry: {KindQuality, "The recipient's country is not an ISO 3166-1 alpha-2 code."},
	CodeMissingRecipientPhone:   {KindQuality, "The recipient's phone number is empty."},
	CodeMissingRecipientEmail:   {KindQuality, "The recipient's e-mail address is empty."},
	CodePhoneNotInternational:   {KindQuality, "A phone number is not in international form (leading + or 00); the path says whose."},
	CodeInvalidPhone:            {KindQuality, "A phone number cannot be read as an E.164 number (+ and 8 to 15 digits); the path says whose."},
	CodeInvalidEmail:            {KindQuality, "An e-mail address is not well formed; the path says whose."},
	CodeS10CheckDigit:           {KindQuality, "item_id has the UPU S10 shape but its check digit is wrong."},
	CodeS10UnknownCountry:       {KindQuality, "item_id has the UPU S10 shape but its country suffix is not an ISO 3166 code."},
	CodeMissingCurrency:         {KindQuality, "currency is empty, so values cannot be compared across origins."},
	CodeUnknownCurrency:         {KindQuality, "currency is not an ISO 4217 code of a currency in circulation."},
	CodeMissingGrossWeight:      {KindQuality, "gross_weight_kg is missing or 0."},
	CodeMissingDescription:      {KindQuality, "A contents line has no description."},
	CodeMissingHSCode:           {KindQuality, "A contents line of a sale of goods or commercial sample has no HS code."},
	CodeHSCodeShort:             {KindQuality, "An HS code has fewer than 6 digits."},
	CodeHSCodeInvalid:           {KindQuality, "An HS code contains characters other than digits, dots and spaces."},
	CodeInvalidItemOrigin:       {KindQuality, "A contents line's origin_country is not an ISO 3166-1 alpha-2 code."},
	CodeWeightMismatch:          {KindQuality, "The net weights of the contents add up to more than the gross weight (5% + 10 g tolerance)."},
	CodeValueMismatch:           {KindQuality, "The values of the contents do not add up to declared_value (1% + 0.01 tolerance)."},
	CodeMissingPostedAt:         {KindQuality, "posted_at is missing."},
	CodeMissingOperatorKind:     {KindQuality, "operator_kind is missing."},
	CodeMissingMailClass:        {KindQuality, "mail_class is missing."},
	CodeMissingCategory:         {KindQuality, "category (CN 23 box 10) is missing."},
}

// Rejection is the error Decode returns for a manifest that cannot be
// screened. It lists every problem found in the one pass, so that the
// operator can fix them all before re-sending.
type Rejection struct {
	// Findings holds the problems in the order found, at most
	// MaxRejectFindings of them.
	Findings []Finding
	// Omitted counts the problems left out of Findings.
	Omitted int
}

// Error joins the findings as "CODE at path: message"; findings about the
// whole message have no path.
func (r *Rejection) Error() string {
	var b strings.Builder
	for i, f := range r.Findings {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Code)
		if f.Path != "" {
			b.WriteString(" at ")
			b.WriteString(f.Path)
		}
		b.WriteString(": ")
		b.WriteString(f.Message)
	}
	if r.Omitted > 0 {
		b.WriteString("; and ")
		b.WriteString(strconv.Itoa(r.Omitted))
		b.WriteString(" more")
	}
	return b.String()
}

// Code returns the code of the first finding, the one to put in a
// dead-letter header when only one fits, or "" for an empty Rejection.
func (r *Rejection) Code() string {
	if len(r.Findings) == 0 {
		return ""
	}
	return r.Findings[0].Code
}
