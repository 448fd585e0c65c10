from h import *
hid=read_hidden(sys.argv[1] if len(sys.argv)>1 and sys.argv[1] else '/work/shared/datasets/los-loop/kriging-test-nodes.csv',ids)
EXTRA=sys.argv[2].split(',') if len(sys.argv)>2 and sys.argv[2] else []
K=4; W=float(__import__("os").environ.get("WF","0.5"))*SIG  # WF: kernel width as a multiple of SIG
obs,fold,nf=setup(hid)
Xtr=X[:TR]; Xte=X[TR:]; P=profile(Xtr); lvl=Xtr.mean(0)
todtr=np.arange(TR)%288; todte=np.arange(TR,T)%288
_ps=int(__import__('os').environ.get('PS','0'))
if _ps:  # the profile smoothed by a circular moving average of +-PS steps, as the zone model's profile smoothing
    P=np.mean([np.roll(P,s_,0) for s_ in range(-_ps,_ps+1)],0)
if __import__('os').environ.get('PD')=='daytype':  # profiles by day type (weekday / weekend) and time of day, as the zone model's
    def _row(a): return np.isin((a//288)%7,[2,3])*288+a%288
    _rtr=_row(np.arange(TR)); _rte=_row(np.arange(TR,T))
    P=np.zeros((576,N))
    for s_ in range(576):
        m_=_rtr==s_
        P[s_]=Xtr[m_].mean(0) if m_.any() else np.nan
    class _PT:  # P[tod] looks up the day-type row of the rows the features are built for
        def __getitem__(self, tod): return P[_rtr] if tod is todtr else P[_rte]
STR=2
def feats(Xr,tod,t,cand):
    nb,d,up=neighbours(t,cand,K); g=np.exp(-(d/W)**2); om=g/g.sum() if g.sum()>1e-12 else np.ones(K)/K
    V=Xr[:,nb]; Pk=(_PT()[tod] if __import__('os').environ.get('PD')=='daytype' else P[tod])[:,nb]; n=len(V)
    B=V@om; dev=V-B[:,None]
    # weighted median
    wm=np.array([wmed(r,g) for r in V])
    F=[np.sort(V,1)-B[:,None], dev, g*dev, up*dev, (wm-B)[:,None], (Pk@om-B)[:,None], (np.median(Pk,1)-B)[:,None], (V.mean(1)-B)[:,None],
       (np.mean(Xr[:,cand],1)-B)[:,None], np.ones((n,1))]
    ang=2*np.pi*tod/288; F.append(np.stack([np.sin(ang),np.cos(ang),np.sin(2*ang),np.cos(2*ang)],1))
    L=lvl[nb]
    if 'lvl' in EXTRA:   # neighbours' deviations from own profile (the congestion now) added to the profile prior
        F.append(((V-Pk)@om)[:,None]+ (Pk@om-B)[:,None]*0)
    if 'levw' in EXTRA:  # kernel mean of neighbours whose level is near the median level
        a=g*np.exp(-np.abs(L-np.median(L))/10); a/=a.sum(); F.append((V@a-B)[:,None])
    if 'lag' in EXTRA:
        Vl=np.vstack([V[:1],V[:-1]]); F.append((Vl@om-B)[:,None])
    if 'netp' in EXTRA:
        F.append((np.median(P[tod][:,cand],1)-B)[:,None])
    return np.concatenate(F,1),B
def wmed(v,g):
    o=np.argsort(v); c=np.cumsum(g[o]); return v[o][np.searchsorted(c,0.5*c[-1])]
def lad(F,y,lam,its=3):
    n=len(y); A=F; I=np.eye(A.shape[1])
    if __import__('os').environ.get('NOINT'): I[4*K+5,4*K+5]=0  # the intercept unpenalised (LeastAbsolute penalises it too)
    b=np.linalg.solve(A.T@A/n+lam*I,A.T@y/n)
    for _ in range(its):
        w=1/np.maximum(np.abs(y-A@b),0.5); Aw=A*w[:,None]
        b=np.linalg.solve(Aw.T@A/w.sum()+lam*I,Aw.T@y/w.sum())
    return b
