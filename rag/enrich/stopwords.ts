// The most frequent function words of each language: enough to tell the languages apart and to keep
// summaries from ranking sentences by "the" and "and".
const WORDS: Readonly<Record<string, string>> = {
  en: 'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there been their has would we will all if can more when who its our us than them what your no any these do may should into also about one',
  de: 'der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder aber vor zur bis mehr durch kann',
  fr: 'de la le et les des en un du une que est pour qui dans par plus pas au sur ne se ce il sont avec son aux elle nous ou mais être sa ses cette leur été ont comme fait tout',
  es: 'de la que el en y los del se las por un para con no una su al lo como más pero sus le ya o fue este ha sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante',
  it: 'di che è e la il un per in non una sono da del della le si con al dei ma come anche ci più lo nel alla gli questo ha se cui essere delle suo sua loro hanno stato nella',
  pt: 'de a o que e do da em um para é com não uma os no se na por mais as dos como mas foi ao ele das tem à seu sua ou ser quando muito há nos já está eu também só pelo pela até isso',
  nl: 'de en van het een in is dat op te zijn met voor niet aan er die om ook als bij door maar dan nog wordt naar uit heeft worden kan over meer hun deze zo wel werd dit',
};

export const STOPWORDS: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries(WORDS).map(([language, words]) => [language, new Set(words.split(' '))]),
);

/** Every language's stopwords at once, for language-neutral term weighting. */
export const ANY_STOPWORD: ReadonlySet<string> = new Set(Object.values(STOPWORDS).flatMap((words) => [...words]));
