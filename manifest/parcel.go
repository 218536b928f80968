// Package manifest is the wire contract between postal operators and parcelguard:
// the item-level manifest (the electronic advance data behind a CN 22 / CN 23
// customs declaration), its decoding and validation, the UPU S10 identifier and
// the normalisation keys that let parcels be matched on sender, recipient,
// address, phone and e-mail.
//
// A Decoder turns one JSON manifest into a Parcel. A manifest that cannot be
// screened (not JSON, wrong types, required fields missing, impossible
// numbers) is rejected with a *Rejection that lists every problem, each a
// Finding with a stable code, the JSON path and a sentence saying what to
// fix. A manifest that can be screened may still be deficient (no phone
// number, an HS code too short, totals that disagree); those findings are
// kept in Parcel.Quality for rules to use. The Codes table documents every
// code of both kinds.
package manifest

import "time"

// Version is the manifest wire-contract version this package decodes.
const Version = 1

// Parcel is one decoded, validated manifest. The wire fields keep their CN 23
// meaning; the fields after them are derived once at decode time.
type Parcel struct {
	ItemID             string    `json:"item_id"`
	Operator           string    `json:"operator"`
	OperatorKind       string    `json:"operator_kind"`
	MailClass          string    `json:"mail_class"`
	Category           string    `json:"category"`
	OriginCountry      string    `json:"origin_country"`
	DestinationCountry string    `json:"destination_country"`
	PostedAt           time.Time `json:"posted_at"`
	OfficeOfOrigin     string    `json:"office_of_origin"`
	Sender             Party     `json:"sender"`
	Recipient          Party     `json:"recipient"`
	Contents           []Item    `json:"contents"`
	GrossWeightKg      float64   `json:"gross_weight_kg"`
	DeclaredValue      float64   `json:"declared_value"`
	Currency           string    `json:"currency"`
	PostagePaid        float64   `json:"postage_paid"`
	InvoiceNumber      string    `json:"invoice_number"`
	LicenceNumber      string    `json:"licence_number"`
	CertificateNumber  string    `json:"certificate_number"`
	// Amendment counts how often the operator has re-sent this item's data
	// (0 for the first submission). Optional on the wire.
	Amendment int `json:"amendment"`

	// ReceivedAt is when parcelguard received the manifest (the Kafka message
	// time or the HTTP request time). It is not part of the wire object; the
	// caller passes it to Decoder.Decode.
	ReceivedAt time.Time `json:"-"`
	// S10 is the parsed item identifier; S10.Valid is false for express
	// tracking numbers and for S10 ids whose check digit fails.
	S10 S10 `json:"-"`
	// Quality lists the data-quality findings: the parcel can be screened but
	// the data is deficient. Rules may use the codes.
	Quality []Finding `json:"-"`
	// Raw is the manifest exactly as received (unknown fields included).
	Raw []byte `json:"-"`
}

// Party is a sender or a recipient. The Key fields are normalised for matching.
type Party struct {
	Name     string `json:"name"`
	Business string `json:"business"`
	Street   string `json:"street"`
	City     string `json:"city"`
	Postcode string `json:"postcode"`
	Country  string `json:"country"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
	TaxID    string `json:"tax_id"`

	// NameKey is the person name folded for matching: lower case, accents and
	// punctuation removed, tokens sorted ("Smith, John" = "john smith").
	NameKey string `json:"-"`
	// AddressKey is street, postcode and country folded for matching, with
	// common abbreviations expanded ("Hauptstr. 5" = "hauptstrasse 5").
	AddressKey string `json:"-"`
	// PhoneE164 is the phone number as E.164 digits with a leading "+", or ""
	// when it cannot be made international.
	PhoneE164 string `json:"-"`
	// PhoneInternational reports whether the phone was given in international
	// form (leading "+" or "00"), as E.123 asks.
	PhoneInternational bool `json:"-"`
	// EmailKey is the e-mail address lower-cased and trimmed; EmailDomain is
	// the part after "@". Both are "" when the address is not well formed.
	EmailKey    string `json:"-"`
	EmailDomain string `json:"-"`
}

// Item is one line of the contents (CN 23 boxes 1–6).
type Item struct {
	Description   string  `json:"description"`
	Quantity      int     `json:"quantity"`
	NetWeightKg   float64 `json:"net_weight_kg"`
	Value         float64 `json:"value"`
	HSCode        string  `json:"hs_code"`
	OriginCountry string  `json:"origin_country"`
}

// Finding is one problem with a manifest: a stable code, the JSON path of the
// field it concerns, and a sentence telling the operator what to fix.
type Finding struct {
	Code    string `json:"code"`
	Path    string `json:"path"`
	Message string `json:"message"`
}
