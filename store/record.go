package store

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
	"unsafe"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/scorer"
)

// Record is one screened parcel: the manifest and its assessment.
type Record struct {
	Parcel     *manifest.Parcel
	Assessment *scorer.Assessment
}

// ErrInvalidRecord marks a batch that can never be stored as it is: a
// programming error upstream, not a storage failure. Such a batch is not
// spooled.
var ErrInvalidRecord = errors.New("invalid record")

// validate checks what Write needs from every record.
func validate(batch []Record) error {
	for i, r := range batch {
		switch {
		case r.Parcel == nil && r.Assessment == nil:
			return fmt.Errorf("%w: record %d: Parcel and Assessment are nil", ErrInvalidRecord, i)
		case r.Parcel == nil:
			return fmt.Errorf("%w: record %d (item %q): Parcel is nil", ErrInvalidRecord, i, r.Assessment.ItemID)
		case r.Assessment == nil:
			return fmt.Errorf("%w: record %d (item %q): Assessment is nil", ErrInvalidRecord, i, r.Parcel.ItemID)
		case r.Parcel.ItemID == "":
			return fmt.Errorf("%w: record %d: Parcel.ItemID is empty", ErrInvalidRecord, i)
		case r.Assessment.ItemID != r.Parcel.ItemID:
			return fmt.Errorf("%w: record %d: Assessment.ItemID %q differs from Parcel.ItemID %q",
				ErrInvalidRecord, i, r.Assessment.ItemID, r.Parcel.ItemID)
		}
	}
	return nil
}

// row is one assessments row: the part of a Record the store keeps. The
// spool stores rows too (as JSON), so a replayed batch inserts exactly what
// the original insert would have.
type row struct {
	ItemID             string    `json:"item_id"`
	Operator           string    `json:"operator"`
	OperatorKind       string    `json:"operator_kind"`
	MailClass          string    `json:"mail_class"`
	Category           string    `json:"category"`
	OriginCountry      string    `json:"origin_country"`
	DestinationCountry string    `json:"destination_country"`
	PostedAt           time.Time `json:"posted_at"`
	ReceivedAt         time.Time `json:"received_at"`
	AssessedAt         time.Time `json:"assessed_at"`
	Amendment          uint32    `json:"amendment"`
	Version            uint64    `json:"version"`
	Score              int32     `json:"score"`
	Outcome            string    `json:"outcome"`
	Sampled            bool      `json:"sampled"`

	HitRules       []string `json:"hit_rules"`
	HitScores      []int32  `json:"hit_scores"`
	HitReasons     []string `json:"hit_reasons"`
	HitOutcomes    []string `json:"hit_outcomes"`
	ShadowRules    []string `json:"shadow_rules"`
	ShadowScores   []int32  `json:"shadow_scores"`
	ShadowReasons  []string `json:"shadow_reasons"`
	ShadowOutcomes []string `json:"shadow_outcomes"`

	QualityCodes    []string `json:"quality_codes"`
	QualityPaths    []string `json:"quality_paths"`
	QualityMessages []string `json:"quality_messages"`
	Errors          []string `json:"errors"`
	PackVersion     string   `json:"pack_version"`

	SenderNameKey       string `json:"sender_name_key"`
	SenderAddressKey    string `json:"sender_address_key"`
	SenderPhoneE164     string `json:"sender_phone_e164"`
	SenderEmailKey      string `json:"sender_email_key"`
	RecipientNameKey    string `json:"recipient_name_key"`
	RecipientAddressKey string `json:"recipient_address_key"`
	RecipientPhoneE164  string `json:"recipient_phone_e164"`
	RecipientEmailKey   string `json:"recipient_email_key"`

	DeclaredValue float64 `json:"declared_value"`
	Currency      string  `json:"currency"`
	GrossWeightKg float64 `json:"gross_weight_kg"`
	Raw           []byte  `json:"raw"`
}

// versionOf orders the deliveries of one item: the newest amendment wins,
// then the newest assessment. Unix milliseconds stay below 1e13 until the
// year 2286.
func versionOf(amendment uint32, assessedAt time.Time) uint64 {
	ms := assessedAt.UnixMilli()
	if ms < 0 {
		ms = 0
	}
	return uint64(amendment)*1e13 + uint64(ms)%1e13
}

// toRow flattens a validated record.
func toRow(r Record) row {
	p, a := r.Parcel, r.Assessment
	amendment := uint32(0)
	if p.Amendment > 0 {
		amendment = uint32(min(p.Amendment, math.MaxUint32))
	}
	out := row{
		ItemID:              p.ItemID,
		Operator:            p.Operator,
		OperatorKind:        p.OperatorKind,
		MailClass:           p.MailClass,
		Category:            p.Category,
		OriginCountry:       p.OriginCountry,
		DestinationCountry:  p.DestinationCountry,
		PostedAt:            p.PostedAt,
		ReceivedAt:          p.ReceivedAt,
		AssessedAt:          a.AssessedAt,
		Amendment:           amendment,
		Version:             versionOf(amendment, a.AssessedAt),
		Score:               clampInt32(a.Score),
		Outcome:             string(a.Outcome),
		Sampled:             a.Sampled,
		Errors:              a.Errors,
		PackVersion:         a.Pack,
		SenderNameKey:       p.Sender.NameKey,
		SenderAddressKey:    p.Sender.AddressKey,
		SenderPhoneE164:     p.Sender.PhoneE164,
		SenderEmailKey:      p.Sender.EmailKey,
		RecipientNameKey:    p.Recipient.NameKey,
		RecipientAddressKey: p.Recipient.AddressKey,
		RecipientPhoneE164:  p.Recipient.PhoneE164,
		RecipientEmailKey:   p.Recipient.EmailKey,
		DeclaredValue:       p.DeclaredValue,
		Currency:            p.Currency,
		GrossWeightKg:       p.GrossWeightKg,
		Raw:                 p.Raw,
	}
	if out.ReceivedAt.IsZero() {
		out.ReceivedAt = a.ReceivedAt
	}
	out.HitRules, out.HitScores, out.HitReasons, out.HitOutcomes = flattenHits(a.Hits)
	out.ShadowRules, out.ShadowScores, out.ShadowReasons, out.ShadowOutcomes = flattenHits(a.Shadow)
	quality := a.DataQuality
	if quality == nil {
		quality = p.Quality
	}
	out.QualityCodes = make([]string, len(quality))
	out.QualityPaths = make([]string, len(quality))
	out.QualityMessages = make([]string, len(quality))
	for i, f := range quality {
		out.QualityCodes[i], out.QualityPaths[i], out.QualityMessages[i] = f.Code, f.Path, f.Message
	}
	return out
}

func flattenHits(hits []scorer.Hit) (rules []string, scores []int32, reasons, outcomes []string) {
	rules = make([]string, len(hits))
	scores = make([]int32, len(hits))
	reasons = make([]string, len(hits))
	outcomes = make([]string, len(hits))
	for i, h := range hits {
		rules[i], scores[i], reasons[i], outcomes[i] = h.Rule, clampInt32(h.Score), h.Reason, string(h.Outcome)
	}
	return rules, scores, reasons, outcomes
}

func clampInt32(v int) int32 {
	return int32(max(min(v, math.MaxInt32), math.MinInt32))
}

// record rebuilds a Record from a row. The Parcel holds the stored fields
// only: the wire fields not kept in columns (names, addresses, contents) are
// in Parcel.Raw, which manifest can decode.
func (r *row) record() Record {
	p := &manifest.Parcel{
		ItemID:             r.ItemID,
		Operator:           r.Operator,
		OperatorKind:       r.OperatorKind,
		MailClass:          r.MailClass,
		Category:           r.Category,
		OriginCountry:      r.OriginCountry,
		DestinationCountry: r.DestinationCountry,
		PostedAt:           r.PostedAt,
		GrossWeightKg:      r.GrossWeightKg,
		DeclaredValue:      r.DeclaredValue,
		Currency:           r.Currency,
		Amendment:          int(r.Amendment),
		ReceivedAt:         r.ReceivedAt,
		Sender: manifest.Party{
			NameKey: r.SenderNameKey, AddressKey: r.SenderAddressKey,
			PhoneE164: r.SenderPhoneE164, EmailKey: r.SenderEmailKey,
		},
		Recipient: manifest.Party{
			NameKey: r.RecipientNameKey, AddressKey: r.RecipientAddressKey,
			PhoneE164: r.RecipientPhoneE164, EmailKey: r.RecipientEmailKey,
		},
		Raw: r.Raw,
	}
	a := &scorer.Assessment{
		ItemID:     r.ItemID,
		Score:      int(r.Score),
		Outcome:    scorer.Outcome(r.Outcome),
		Sampled:    r.Sampled,
		Hits:       unflattenHits(r.HitRules, r.HitScores, r.HitReasons, r.HitOutcomes),
		Shadow:     unflattenHits(r.ShadowRules, r.ShadowScores, r.ShadowReasons, r.ShadowOutcomes),
		Errors:     r.Errors,
		Pack:       r.PackVersion,
		AssessedAt: r.AssessedAt,
		ReceivedAt: r.ReceivedAt,
	}
	a.DataQuality = make([]manifest.Finding, len(r.QualityCodes))
	for i := range a.DataQuality {
		a.DataQuality[i] = manifest.Finding{Code: r.QualityCodes[i], Path: at(r.QualityPaths, i), Message: at(r.QualityMessages, i)}
	}
	if len(r.Errors) == 0 {
		a.Errors = nil
	}
	p.Quality = a.DataQuality
	return Record{Parcel: p, Assessment: a}
}

func unflattenHits(rules []string, scores []int32, reasons, outcomes []string) []scorer.Hit {
	hits := make([]scorer.Hit, len(rules))
	for i := range hits {
		hits[i] = scorer.Hit{Rule: rules[i], Score: int(at(scores, i)), Reason: at(reasons, i), Outcome: scorer.Outcome(at(outcomes, i))}
	}
	return hits
}

// at tolerates parallel arrays of unequal length (a hand-edited row).
func at[T any](s []T, i int) T {
	var zero T
	if i < len(s) {
		return s[i]
	}
	return zero
}

// DateTime is seconds since 1970 in a UInt32.
var (
	minDateTime = time.Unix(0, 0).UTC()
	maxDateTime = time.Unix(math.MaxUint32, 0).UTC()
)

// dateTime clamps t into what a DateTime column holds, so that an absurd
// posted_at from an operator cannot make a whole batch fail to insert.
func dateTime(t time.Time) time.Time {
	switch {
	case t.Before(minDateTime):
		return minDateTime
	case t.After(maxDateTime):
		return maxDateTime
	}
	return t
}

// column is one column of an INSERT: its name and how to take its values
// from a slice of rows of type R, and where to scan it when reading.
type column[R any] struct {
	name   string
	values func(rows []R) any
	dest   func(r *R) any
	// appendRows, when set, appends the rows' values to an INSERT itself
	// instead of handing values to the driver in one call.
	appendRows func(c driver.BatchColumn, rows []R) error
}

// col describes a column whose value is field's target.
func col[R, T any](name string, field func(r *R) *T) column[R] {
	c := column[R]{
		name: name,
		values: func(rows []R) any {
			out := make([]T, len(rows))
			for i := range rows {
				out[i] = *field(&rows[i])
			}
			return out
		},
		dest: func(r *R) any { return field(r) },
	}
	switch any(*new(T)).(type) {
	case []string, []int32:
		// The driver appends a whole column of arrays by reflection,
		// element by element (a third of the engine's time in the driver);
		// one array at a time it takes its typed path.
		c.appendRows = func(bc driver.BatchColumn, rows []R) error {
			for i := range rows {
				if err := bc.AppendRow(*field(&rows[i])); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return c
}

// timeCol is col for a DateTime column.
func timeCol[R any](name string, field func(r *R) *time.Time) column[R] {
	c := col(name, field)
	c.values = func(rows []R) any {
		out := make([]time.Time, len(rows))
		for i := range rows {
			out[i] = dateTime(*field(&rows[i]))
		}
		return out
	}
	return c
}

// boolCol is col for a UInt8 column holding a flag.
func boolCol[R any](name string, field func(r *R) *bool) column[R] {
	return column[R]{
		name: name,
		values: func(rows []R) any {
			out := make([]uint8, len(rows))
			for i := range rows {
				if *field(&rows[i]) {
					out[i] = 1
				}
			}
			return out
		},
		dest: func(r *R) any { return field(r) },
	}
}

// bytesCol is col for a String column holding bytes.
func bytesCol[R any](name string, field func(r *R) *[]byte) column[R] {
	return column[R]{
		name: name,
		values: func(rows []R) any {
			// The strings share the rows' bytes instead of copying them
			// (a raw manifest is about 1 KB a row): the driver copies them
			// into its own column buffer as they are appended, and nothing
			// changes the rows while the INSERT is built.
			out := make([]string, len(rows))
			for i := range rows {
				b := *field(&rows[i])
				out[i] = unsafe.String(unsafe.SliceData(b), len(b))
			}
			return out
		},
		dest: func(r *R) any { return (*bytesScanner)(field(r)) },
	}
}

// bytesScanner scans a String column into a []byte.
type bytesScanner []byte

func (b *bytesScanner) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*b = []byte(v)
	case []byte:
		*b = append((*b)[:0], v...)
	case nil:
		*b = nil
	default:
		return fmt.Errorf("scanning %T into bytes", src)
	}
	return nil
}

// viewColumns are the columns of assessments the parcel view shows (see
// Detail): the assessment whole, and of the parcel what the raw manifest
// does not say. A look-up costs the server a fixed amount of work for every
// column it reads (in every part), so reading these 22 of the 40 takes
// about a third off Get's work.
var viewColumns = func() []column[row] {
	names := []string{"item_id", "received_at", "assessed_at", "amendment", "version", "score", "outcome", "sampled",
		"hit_rules", "hit_scores", "hit_reasons", "hit_outcomes", "shadow_rules", "shadow_scores", "shadow_reasons", "shadow_outcomes",
		"quality_codes", "quality_paths", "quality_messages", "errors", "pack_version", "raw"}
	var cols []column[row]
	for _, c := range assessmentColumns {
		if slices.Contains(names, c.name) {
			cols = append(cols, c)
		}
	}
	if len(cols) != len(names) {
		panic("store: viewColumns names a column assessmentColumns does not have")
	}
	return cols
}()

// assessmentColumns is the assessments table as the store writes and reads it.
var assessmentColumns = []column[row]{
	col("item_id", func(r *row) *string { return &r.ItemID }),
	col("operator", func(r *row) *string { return &r.Operator }),
	col("operator_kind", func(r *row) *string { return &r.OperatorKind }),
	col("mail_class", func(r *row) *string { return &r.MailClass }),
	col("category", func(r *row) *string { return &r.Category }),
	col("origin_country", func(r *row) *string { return &r.OriginCountry }),
	col("destination_country", func(r *row) *string { return &r.DestinationCountry }),
	timeCol("posted_at", func(r *row) *time.Time { return &r.PostedAt }),
	timeCol("received_at", func(r *row) *time.Time { return &r.ReceivedAt }),
	timeCol("assessed_at", func(r *row) *time.Time { return &r.AssessedAt }),
	col("amendment", func(r *row) *uint32 { return &r.Amendment }),
	col("version", func(r *row) *uint64 { return &r.Version }),
	col("score", func(r *row) *int32 { return &r.Score }),
	col("outcome", func(r *row) *string { return &r.Outcome }),
	boolCol("sampled", func(r *row) *bool { return &r.Sampled }),
	col("hit_rules", func(r *row) *[]string { return &r.HitRules }),
	col("hit_scores", func(r *row) *[]int32 { return &r.HitScores }),
	col("hit_reasons", func(r *row) *[]string { return &r.HitReasons }),
	col("hit_outcomes", func(r *row) *[]string { return &r.HitOutcomes }),
	col("shadow_rules", func(r *row) *[]string { return &r.ShadowRules }),
	col("shadow_scores", func(r *row) *[]int32 { return &r.ShadowScores }),
	col("shadow_reasons", func(r *row) *[]string { return &r.ShadowReasons }),
	col("shadow_outcomes", func(r *row) *[]string { return &r.ShadowOutcomes }),
	col("quality_codes", func(r *row) *[]string { return &r.QualityCodes }),
	col("quality_paths", func(r *row) *[]string { return &r.QualityPaths }),
	col("quality_messages", func(r *row) *[]string { return &r.QualityMessages }),
	col("errors", func(r *row) *[]string { return &r.Errors }),
	col("pack_version", func(r *row) *string { return &r.PackVersion }),
	col("sender_name_key", func(r *row) *string { return &r.SenderNameKey }),
	col("sender_address_key", func(r *row) *string { return &r.SenderAddressKey }),
	col("sender_phone_e164", func(r *row) *string { return &r.SenderPhoneE164 }),
	col("sender_email_key", func(r *row) *string { return &r.SenderEmailKey }),
	col("recipient_name_key", func(r *row) *string { return &r.RecipientNameKey }),
	col("recipient_address_key", func(r *row) *string { return &r.RecipientAddressKey }),
	col("recipient_phone_e164", func(r *row) *string { return &r.RecipientPhoneE164 }),
	col("recipient_email_key", func(r *row) *string { return &r.RecipientEmailKey }),
	col("declared_value", func(r *row) *float64 { return &r.DeclaredValue }),
	col("currency", func(r *row) *string { return &r.Currency }),
	col("gross_weight_kg", func(r *row) *float64 { return &r.GrossWeightKg }),
	bytesCol("raw", func(r *row) *[]byte { return &r.Raw }),
}
