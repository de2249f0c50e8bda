// Function words that say nothing about what a passage is about. Dropping them keeps BM25 from rewarding
// long passages full of "the" and "which", and keeps proximity features about content words.
// Negations ("not", "no", "without") are kept on purpose: in questions and claims they carry meaning.
const WORDS = `
a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
herself him himself his how i if in into is it its itself just me more most my myself of off on once only or
other our ours ourselves out over own same she should so some such than that the their theirs them themselves
then there these they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves s t d ll m re ve also may might must shall us
`;

export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));
